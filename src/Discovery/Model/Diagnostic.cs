namespace Sluice.Discovery.Model;

public enum DiagnosticSeverity
{
    Warning,
    Error,
}

/// <summary>
/// One problem found in configuration, with everything a user needs to act on it. Printed by <c>sluice validate</c>
/// as <c>FILE:LINE:COL: error|warning: KIND NAMESPACE/NAME: FIELD.PATH: MESSAGE</c>.
/// </summary>
public sealed record Diagnostic(
    DiagnosticSeverity Severity,
    string File,
    SourcePosition Position,
    string Kind,
    string Namespace,
    string Name,
    string FieldPath,
    string Message)
{
    public bool IsError => Severity == DiagnosticSeverity.Error;

    public override string ToString() =>
        $"{File}:{Position.Line}:{Position.Column}: {(IsError ? "error" : "warning")}: {Kind} {Namespace}/{Name}: {(FieldPath.Length == 0 ? "-" : FieldPath)}: {Message}";
}
