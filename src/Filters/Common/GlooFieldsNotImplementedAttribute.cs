namespace Sluice.Filters;

/// <summary>
/// Gloo fields of an options record that Sluice accepts but does not implement. The loader reports them by name:
/// an error when ignoring them would change what is served or weaken a policy, a warning otherwise.
/// (Discovery's model uses its own attribute; filter options live here, below Discovery.)
/// </summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = true)]
public sealed class GlooFieldsNotImplementedAttribute(bool ignoringChangesBehaviour, params string[] fields) : Attribute
{
    public bool IgnoringChangesBehaviour { get; } = ignoringChangesBehaviour;

    public IReadOnlyList<string> Fields { get; } = fields;
}
