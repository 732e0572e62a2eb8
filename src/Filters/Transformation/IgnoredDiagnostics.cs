namespace Sluice.Filters.Transformation;

/// <summary>Compile runs on options validation already accepted; anything it would report was reported then.</summary>
internal sealed class IgnoredDiagnostics : IOptionsDiagnostics
{
    public static IgnoredDiagnostics Instance { get; } = new();

    public void Error(string relativePath, string message)
    {
    }

    public void Warning(string relativePath, string message)
    {
    }
}
