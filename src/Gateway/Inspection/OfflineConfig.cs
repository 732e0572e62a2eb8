using Sluice.Discovery.Files;
using Sluice.Discovery.Loading;
using Sluice.Discovery.Snapshots;
using Sluice.Filters;
using Sluice.Gateway.Configuration;
using Sluice.Gateway.DataPlane;
using Sluice.Gateway.Translation;

namespace Sluice.Gateway.Inspection;

/// <summary>
/// A config directory compiled exactly as <c>sluice run</c> would compile it (same scanner, validation and
/// translator), for the offline tools. Nothing is bound and nothing is sent; endpoint health is unknown.
/// </summary>
internal sealed class OfflineConfig : IDisposable
{
    private readonly UpstreamInvokerPool _invokers = new();

    private OfflineConfig(IReadOnlyList<string> paths)
    {
        var loader = new ResourceFileLoader(FilterRegistry.Default);
        var files = new ConfigFileScanner(paths, loader).Scan();
        var snapshot = SnapshotBuilder.Build(files, new LastGoodResources(), ResourceSnapshot.Empty, TimeProvider.System);
        Config = new ConfigTranslator(FilterRegistry.Default, _invokers, new CertificateCache()).Translate(snapshot);
    }

    public CompiledConfig Config { get; }

    /// <summary>Compiles the paths, or says which of them does not exist.</summary>
    public static OfflineConfig? TryLoad(IReadOnlyList<string> paths, out string? error)
    {
        var missing = paths.Where(p => !File.Exists(p) && !Directory.Exists(p)).ToList();
        if (missing.Count > 0)
        {
            error = $"--config: no such file or directory: {string.Join(", ", missing)}";
            return null;
        }

        error = null;
        return new OfflineConfig(paths);
    }

    public void Dispose() => _invokers.Dispose();
}
