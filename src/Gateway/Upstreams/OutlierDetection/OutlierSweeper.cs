using Sluice.Gateway.DataPlane;

namespace Sluice.Gateway.Upstreams.OutlierDetection;

/// <summary>
/// Envoy's outlier detection interval timer for one upstream: each interval it returns endpoints whose ejection
/// ended and forgives the ejection multiplier of those that stayed healthy. (Picks also return expired ejections
/// lazily, so an endpoint is back on time even between sweeps.)
/// </summary>
internal sealed class OutlierSweeper : IAsyncDisposable
{
    private readonly CancellationTokenSource _stopping = new();
    private UpstreamCluster _cluster;
    private Task _loop = Task.CompletedTask;

    public OutlierSweeper(UpstreamCluster cluster, OutlierDetector detector)
    {
        _cluster = cluster;
        Detector = detector;
    }

    public OutlierDetector Detector { get; }

    public void Start() => _loop = Task.Run(() => RunAsync(_stopping.Token));

    public void Update(UpstreamCluster cluster) => Volatile.Write(ref _cluster, cluster);

    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync().ConfigureAwait(false);
        try
        {
            await _loop.ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
        }

        _stopping.Dispose();
    }

    private async Task RunAsync(CancellationToken stopping)
    {
        while (!stopping.IsCancellationRequested)
        {
            var cluster = Volatile.Read(ref _cluster);
            await Task.Delay(Detector.Interval, cluster.Time, stopping).ConfigureAwait(false);
            cluster = Volatile.Read(ref _cluster);
            cluster.OutlierDetector?.Sweep(cluster);
        }
    }
}
