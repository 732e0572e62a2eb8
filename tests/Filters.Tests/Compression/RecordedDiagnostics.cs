namespace Sluice.Filters.Tests.Compression;

/// <summary>Collects what an options validation reported, as "error path: message" lines.</summary>
internal sealed class RecordedDiagnostics : IOptionsDiagnostics
{
    public List<string> Errors { get; } = [];

    public List<string> Warnings { get; } = [];

    public static RecordedDiagnostics Of(FilterDescriptor descriptor, object options)
    {
        var diagnostics = new RecordedDiagnostics();
        descriptor.Validate(options, diagnostics);
        return diagnostics;
    }

    public void Error(string relativePath, string message) => Errors.Add($"{relativePath}: {message}");

    public void Warning(string relativePath, string message) => Warnings.Add($"{relativePath}: {message}");
}
