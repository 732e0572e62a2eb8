using k8s;
using k8s.LeaderElection;
using k8s.LeaderElection.ResourceLock;
using Microsoft.Extensions.Logging;

namespace Sluice.Discovery.Kubernetes.Leadership;

/// <summary>
/// Lease-based leader election (KubernetesClient's <see cref="LeaderElector"/> on a coordination.k8s.io Lease): one
/// replica writes to the cluster, every replica serves. A leader that cannot renew within the renew deadline stops
/// writing; another replica takes the Lease once it has expired.
/// </summary>
public sealed partial class LeaderElection : IAsyncDisposable
{
    private readonly LeaderElector _elector;
    private readonly ILogger _logger;
    private readonly CancellationTokenSource _stop = new();
    private Task _loop = Task.CompletedTask;
    private volatile bool _isLeader;

    public LeaderElection(IKubernetes client, string leaseNamespace, string leaseName, string identity, TimeSpan leaseDuration, TimeSpan renewDeadline, TimeSpan retryPeriod, ILogger logger)
    {
        Identity = identity;
        _logger = logger;
        _elector = new LeaderElector(new LeaderElectionConfig(new LeaseLock(client, leaseNamespace, leaseName, identity))
        {
            LeaseDuration = leaseDuration,
            RenewDeadline = renewDeadline,
            RetryPeriod = retryPeriod,
        });
        _elector.OnStartedLeading += () =>
        {
            _isLeader = true;
            LogStartedLeading(Identity, leaseNamespace, leaseName);
            LeadershipChanged?.Invoke(true);
        };
        _elector.OnStoppedLeading += () =>
        {
            _isLeader = false;
            LogStoppedLeading(Identity);
            LeadershipChanged?.Invoke(false);
        };
        _elector.OnNewLeader += leader => LogNewLeader(leader ?? "(none)");
    }

    public string Identity { get; }

    public bool IsLeader => _isLeader;

    /// <summary>Raised with true when this replica starts leading and false when it stops.</summary>
    public event Action<bool>? LeadershipChanged;

    public void Start() => _loop = RunAsync(_stop.Token);

    public async ValueTask DisposeAsync()
    {
        if (_stop.IsCancellationRequested)
        {
            return;
        }

        await _stop.CancelAsync().ConfigureAwait(false);
        try
        {
            await _loop.WaitAsync(TimeSpan.FromSeconds(10)).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is OperationCanceledException or TimeoutException)
        {
        }

        _elector.Dispose();
    }

    /// <summary>Campaigns again after losing the Lease, until stopped.</summary>
    private async Task RunAsync(CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                await _elector.RunUntilLeadershipLostAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                break;
            }
            catch (Exception ex) when (ex is not OutOfMemoryException)
            {
                LogElectionFailed(ex.Message);
                try
                {
                    await Task.Delay(TimeSpan.FromSeconds(1), cancellationToken).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    break;
                }
            }
        }
    }

    [LoggerMessage(EventId = 120, Level = LogLevel.Information, Message = "{Identity} is now the leader (Lease {Namespace}/{Name}); it writes status")]
    private partial void LogStartedLeading(string identity, string @namespace, string name);

    [LoggerMessage(EventId = 121, Level = LogLevel.Warning, Message = "{Identity} stopped leading; it keeps serving and no longer writes status")]
    private partial void LogStoppedLeading(string identity);

    [LoggerMessage(EventId = 122, Level = LogLevel.Information, Message = "Leader is {Leader}")]
    private partial void LogNewLeader(string leader);

    [LoggerMessage(EventId = 123, Level = LogLevel.Warning, Message = "Leader election failed: {Reason}; campaigning again")]
    private partial void LogElectionFailed(string reason);
}
