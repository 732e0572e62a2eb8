namespace Sluice.Filters.Tests.Retry;

/// <summary>Collects what an options validator reports, as "error|warning path: message" lines.</summary>
internal sealed class RecordingDiagnostics : IOptionsDiagnostics
{
    public List<string> Items { get; } = [];

    public static List<string> Validate(FilterDescriptor descriptor, object options)
    {
        var diagnostics = new RecordingDiagnostics();
        descriptor.Validate(options, diagnostics);
        return diagnostics.Items;
    }

    public void Error(string relativePath, string message) => Items.Add($"error {relativePath}: {message}");

    public void Warning(string relativePath, string message) => Items.Add($"warning {relativePath}: {message}");
}
