using Sluice.Discovery.Model;

namespace Sluice.Discovery.Validation;

/// <summary>Collects diagnostics about one resource, turning field paths into file positions.</summary>
public sealed class ResourceDiagnostics(Resource resource)
{
    private readonly List<Diagnostic> _items = [];

    public Resource Resource { get; } = resource;

    public IReadOnlyList<Diagnostic> Items => _items;

    public bool HasErrors { get; private set; }

    public void Error(string fieldPath, string message)
    {
        HasErrors = true;
        _items.Add(Create(DiagnosticSeverity.Error, fieldPath, message));
    }

    public void Warning(string fieldPath, string message) => _items.Add(Create(DiagnosticSeverity.Warning, fieldPath, message));

    public static Diagnostic Create(Resource resource, DiagnosticSeverity severity, string fieldPath, string message) => new(
        severity,
        resource.Origin.File,
        resource.Origin.PositionOf(fieldPath),
        resource.Kind.ToString(),
        resource.Namespace,
        resource.Metadata.Name,
        fieldPath,
        message);

    private Diagnostic Create(DiagnosticSeverity severity, string fieldPath, string message) =>
        Create(Resource, severity, fieldPath, message);
}
