using Sluice.Discovery.Model;

namespace Sluice.Discovery.Loading;

/// <summary>Problems found while binding one document, by field path and position, before the resource's identity is known.</summary>
internal sealed class BindingDiagnostics
{
    private readonly List<(DiagnosticSeverity Severity, string Path, SourcePosition Position, string Message)> _items = [];

    public FieldPositions Positions { get; } = new();

    /// <summary>Files the document's options load (full paths), watched with the document.</summary>
    public List<string> ReferencedFiles { get; } = [];

    public bool HasErrors { get; private set; }

    public IReadOnlyList<(DiagnosticSeverity Severity, string Path, SourcePosition Position, string Message)> Items => _items;

    public void Error(string path, SourcePosition position, string message)
    {
        HasErrors = true;
        _items.Add((DiagnosticSeverity.Error, path, position, message));
    }

    public void Warning(string path, SourcePosition position, string message) =>
        _items.Add((DiagnosticSeverity.Warning, path, position, message));

    public void Report(DiagnosticSeverity severity, string path, SourcePosition position, string message)
    {
        if (severity == DiagnosticSeverity.Error)
        {
            Error(path, position, message);
        }
        else
        {
            Warning(path, position, message);
        }
    }
}
