using Sluice.Gateway.Configuration;
using Sluice.Gateway.DataPlane;
using Sluice.Gateway.Upstreams.HealthChecking;
using Sluice.Gateway.Upstreams.OutlierDetection;

namespace Sluice.Gateway.Upstreams;

/// <summary>
/// Keeps the upstreams' background work in step with the live config: after every applied config it forgets the
/// runtime state of upstreams and endpoints that left, drops unused connection pools, and starts, updates or stops
/// each upstream's active health checker and outlier-detection sweep. Everything stops with the host.
/// </summary>
internal sealed class UpstreamMaintenanceService(
    ConfigStore store,
    UpstreamStateRegistry registry,
    UpstreamInvokerPool invokers,
    ILogger<UpstreamMaintenanceService> logger) : IHostedService, IAsyncDisposable
{
    private readonly Lock _lock = new();
    private readonly Dictionary<string, ActiveHealthChecker> _checkers = new(StringComparer.Ordinal);
    private readonly Dictionary<string, OutlierSweeper> _sweepers = new(StringComparer.Ordinal);
    private readonly List<Task> _stopping = [];
    private bool _stopped;

    /// <summary>The running health checkers by upstream name, for tests and the admin API.</summary>
    public IReadOnlyDictionary<string, ActiveHealthChecker> HealthCheckers
    {
        get
        {
            lock (_lock)
            {
                return new Dictionary<string, ActiveHealthChecker>(_checkers, StringComparer.Ordinal);
            }
        }
    }

    public Task StartAsync(CancellationToken cancellationToken)
    {
        store.Applied += OnApplied;

        // The first config was built before this service started; its states are all new, so nothing to forget.
        Reconcile(config: null, forget: false);
        return Task.CompletedTask;
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        store.Applied -= OnApplied;
        List<Task> stopping;
        lock (_lock)
        {
            _stopped = true;
            foreach (var checker in _checkers.Values)
            {
                _stopping.Add(checker.DisposeAsync().AsTask());
            }

            foreach (var sweeper in _sweepers.Values)
            {
                _stopping.Add(sweeper.DisposeAsync().AsTask());
            }

            _checkers.Clear();
            _sweepers.Clear();
            stopping = [.. _stopping];
            _stopping.Clear();
        }

        await Task.WhenAll(stopping).ConfigureAwait(false);
    }

    public async ValueTask DisposeAsync() => await StopAsync(CancellationToken.None).ConfigureAwait(false);

    private void OnApplied(CompiledConfig config)
    {
        // Runs inside the config store's rebuild; a failure here must not fail the reload.
        try
        {
            Reconcile(config, forget: true);
        }
        catch (Exception ex)
        {
            UpstreamLog.MaintenanceFailed(logger, ex);
        }
    }

    /// <summary>Brings the background work in line with <paramref name="config"/> (null: the live one, read under the lock).</summary>
    private void Reconcile(CompiledConfig? config, bool forget)
    {
        lock (_lock)
        {
            if (_stopped)
            {
                return;
            }

            config ??= store.Current;
            _stopping.RemoveAll(static task => task.IsCompleted);
            var clusters = config.Clusters;
            if (forget)
            {
                registry.Retain(clusters.Values);
                var inUse = new HashSet<UpstreamConnectionSettings>();
                foreach (var cluster in clusters.Values)
                {
                    foreach (var endpoint in cluster.Endpoints)
                    {
                        if (endpoint.Connection is { } settings)
                        {
                            inUse.Add(settings);
                        }
                    }
                }

                invokers.Retain(inUse);
            }

            foreach (var cluster in clusters.Values)
            {
                ReconcileHealthCheck(cluster);
                ReconcileSweeper(cluster);
            }

            foreach (var name in _checkers.Keys.Where(n => !clusters.ContainsKey(n)).ToList())
            {
                StopChecker(name);
            }

            foreach (var name in _sweepers.Keys.Where(n => !clusters.ContainsKey(n)).ToList())
            {
                _stopping.Add(_sweepers[name].DisposeAsync().AsTask());
                _sweepers.Remove(name);
            }
        }
    }

    private void ReconcileHealthCheck(UpstreamCluster cluster)
    {
        _checkers.TryGetValue(cluster.Name, out var running);
        if (cluster.HealthCheck is not { } policy)
        {
            if (running is not null)
            {
                StopChecker(cluster.Name);

                // Without a health check, a verdict from the old one would keep an endpoint out of rotation for good.
                foreach (var endpoint in cluster.Endpoints)
                {
                    endpoint.State.ClearHealth();
                }
            }

            return;
        }

        if (running is not null && running.Policy.Description == policy.Description)
        {
            running.Update(cluster);
            return;
        }

        if (running is not null)
        {
            StopChecker(cluster.Name);
        }

        var checker = new ActiveHealthChecker(cluster, policy);
        _checkers[cluster.Name] = checker;
        checker.Start();
        UpstreamLog.ChecksStarted(logger, cluster.Name, policy.Description);
    }

    private void ReconcileSweeper(UpstreamCluster cluster)
    {
        _sweepers.TryGetValue(cluster.Name, out var running);
        if (cluster.OutlierDetector is { } detector && running is not null && running.Detector.Interval == detector.Interval)
        {
            running.Update(cluster);
            return;
        }

        if (running is not null)
        {
            _stopping.Add(running.DisposeAsync().AsTask());
            _sweepers.Remove(cluster.Name);
        }

        if (cluster.OutlierDetector is { } outlier)
        {
            var sweeper = new OutlierSweeper(cluster, outlier);
            _sweepers[cluster.Name] = sweeper;
            sweeper.Start();
        }
    }

    private void StopChecker(string name)
    {
        _stopping.Add(_checkers[name].DisposeAsync().AsTask());
        _checkers.Remove(name);
        UpstreamLog.ChecksStopped(logger, name);
    }
}
