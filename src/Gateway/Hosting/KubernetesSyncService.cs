using Sluice.Discovery.Kubernetes;
using Sluice.Gateway.Configuration;

namespace Sluice.Gateway;

/// <summary>
/// Starts the cluster informers and holds start-up until they have listed everything once, so the first snapshot is
/// the cluster's real state (a partial one would drop routes and their last good versions). Afterwards every change
/// in the cluster rebuilds the snapshot once it has been quiet for a moment; the data plane keeps its endpoint state.
/// </summary>
internal sealed partial class KubernetesSyncService(
    KubernetesResourceSource source, KubernetesMetrics metrics, ConfigStore store, KubernetesRunOptions options, TimeProvider time, ILogger<KubernetesSyncService> logger)
    : IHostedService, IDisposable
{
    private ITimer? _debounce;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        _debounce = time.CreateTimer(_ => Rebuild(), null, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
        source.Changed += () => _debounce.Change(options.QuietPeriod, Timeout.InfiniteTimeSpan);
        source.Start();
        LogWaiting(options.Client.Host ?? "(in-cluster)", source.Informers.Count);
        await source.WaitForSyncAsync(cancellationToken).ConfigureAwait(false);
        LogSynced(source.Informers.Count);
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        _debounce?.Dispose();
        await source.DisposeAsync().ConfigureAwait(false);

        // The meter lives as long as the informers it reports on (created with this service, so it exists with --no-status too).
        metrics.Dispose();
    }

    public void Dispose() => _debounce?.Dispose();

    private void Rebuild()
    {
        try
        {
            store.Rebuild("kubernetes changed");
        }
        catch (Exception ex)
        {
            LogRebuildFailed(ex);
        }
    }

    [LoggerMessage(EventId = 60, Level = LogLevel.Information, Message = "Waiting for the first list of {Count} Kubernetes resources from {Host}")]
    private partial void LogWaiting(string host, int count);

    [LoggerMessage(EventId = 61, Level = LogLevel.Information, Message = "Kubernetes caches synced ({Count} informers)")]
    private partial void LogSynced(int count);

    [LoggerMessage(EventId = 62, Level = LogLevel.Error, Message = "Rebuild after a cluster change failed; the previous configuration keeps serving")]
    private partial void LogRebuildFailed(Exception exception);
}
