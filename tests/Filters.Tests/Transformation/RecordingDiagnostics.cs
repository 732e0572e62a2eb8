namespace Sluice.Filters.Tests.Transformation;

/// <summary>Collects what an option's validation reports, by relative path.</summary>
internal sealed class RecordingDiagnostics : IOptionsDiagnostics
{
    public List<(string Path, string Message)> Errors { get; } = [];

    public List<(string Path, string Message)> Warnings { get; } = [];

    public void Error(string relativePath, string message) => Errors.Add((relativePath, message));

    public void Warning(string relativePath, string message) => Warnings.Add((relativePath, message));

    public (string Path, string Message) SingleError() => Assert.Single(Errors);
}
