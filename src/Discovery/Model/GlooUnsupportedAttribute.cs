namespace Sluice.Discovery.Model;

/// <summary>
/// Gloo fields of this schema type that Sluice knows but does not implement. The loader reports them by name
/// instead of "unknown field": an error where ignoring the field would change what is served or weaken security,
/// a warning where the resource still behaves as written without it.
/// </summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = true)]
public sealed class GlooUnsupportedAttribute(DiagnosticSeverity severity, params string[] fields) : Attribute
{
    public DiagnosticSeverity Severity { get; } = severity;

    public IReadOnlyList<string> Fields { get; } = fields;
}
