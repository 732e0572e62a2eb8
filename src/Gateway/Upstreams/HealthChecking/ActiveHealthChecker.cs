using Sluice.Gateway.DataPlane;

namespace Sluice.Gateway.Upstreams.HealthChecking;

/// <summary>
/// The background loop that checks every endpoint of one upstream each interval and records the verdicts in the
/// endpoints' long-lived state, from which the cluster's picks skip unhealthy endpoints. A config reload with the
/// same check settings only hands the loop the new cluster (so added endpoints are checked and removed ones are
/// not); changed settings restart it.
/// </summary>
internal sealed class ActiveHealthChecker : IAsyncDisposable
{
    private readonly CancellationTokenSource _stopping = new();
    private readonly HealthCheckProbe _probe;
    private UpstreamCluster _cluster;
    private Task _loop = Task.CompletedTask;

    public ActiveHealthChecker(UpstreamCluster cluster, HealthCheckPolicy policy)
    {
        _cluster = cluster;
        Policy = policy;
        _probe = new HealthCheckProbe(policy, cluster.Time);
    }

    public HealthCheckPolicy Policy { get; }

    public UpstreamCluster Cluster => Volatile.Read(ref _cluster);

    public void Start() => _loop = Task.Run(() => RunAsync(_stopping.Token));

    public void Update(UpstreamCluster cluster) => Volatile.Write(ref _cluster, cluster);

    /// <summary>Runs one round now: every endpoint checked once, in parallel. The loop calls this; tests may too.</summary>
    public async Task CheckAllAsync(CancellationToken cancellationToken)
    {
        var cluster = Cluster;
        var checks = new Task[cluster.Endpoints.Length];
        for (var i = 0; i < checks.Length; i++)
        {
            checks[i] = CheckAsync(cluster, cluster.Endpoints[i], cancellationToken);
        }

        await Task.WhenAll(checks).ConfigureAwait(false);
    }

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

        _probe.Dispose();
        _stopping.Dispose();
    }

    private async Task RunAsync(CancellationToken stopping)
    {
        var time = Cluster.Time;
        if (Policy.InitialJitter > TimeSpan.Zero)
        {
            await Task.Delay(TimeSpan.FromTicks(Cluster.Random.NextInt64(Policy.InitialJitter.Ticks + 1)), time, stopping).ConfigureAwait(false);
        }

        long? lastRound = null;
        while (!stopping.IsCancellationRequested)
        {
            // Envoy checks an upstream that never carried traffic only every noTrafficInterval.
            var now = time.GetTimestamp();
            if (lastRound is not { } last || Cluster.State.HadTraffic || time.GetElapsedTime(last, now) >= Policy.NoTrafficInterval)
            {
                lastRound = now;
                await CheckAllAsync(stopping).ConfigureAwait(false);
            }

            await Task.Delay(Policy.NextDelay(Cluster.Random), time, stopping).ConfigureAwait(false);
        }
    }

    private async Task CheckAsync(UpstreamCluster cluster, UpstreamEndpoint endpoint, CancellationToken stopping)
    {
        var (result, detail) = await _probe.CheckAsync(endpoint, stopping).ConfigureAwait(false);
        if (stopping.IsCancellationRequested)
        {
            return;
        }

        var state = endpoint.State;
        if (result == HealthCheckResult.Healthy)
        {
            if (state.RecordCheckSuccess(Policy.HealthyThreshold, cluster.Time.GetTimestamp()))
            {
                UpstreamLog.MarkedHealthy(cluster.Logger, cluster.Name, endpoint.Address);
            }

            return;
        }

        UpstreamLog.CheckFailed(cluster.Logger, cluster.Name, endpoint.Address, result, detail);
        if (state.RecordCheckFailure(Policy.UnhealthyThreshold, immediate: result == HealthCheckResult.UnexpectedStatus))
        {
            UpstreamLog.MarkedUnhealthy(cluster.Logger, cluster.Name, endpoint.Address, $"{result} {detail}");
        }
    }
}
