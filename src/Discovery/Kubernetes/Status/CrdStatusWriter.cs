using System.Net;
using System.Text.Json.Nodes;
using k8s;
using k8s.Autorest;
using k8s.Models;
using Microsoft.Extensions.Logging;
using Sluice.Discovery.Kubernetes.Leadership;
using Sluice.Discovery.Loading;
using Sluice.Discovery.Snapshots;

namespace Sluice.Discovery.Kubernetes.Status;

/// <summary>
/// Writes every CRD's status through its <c>/status</c> subresource, and <c>status.loadBalancer</c> on the
/// Ingresses we serve, as the leader only. Each snapshot gives the desired statuses; an object whose cached status
/// already equals the desired one is not written, so a quiet cluster sees no writes at all and our own writes (which
/// come back through the watch) cause no loop. Kubernetes' own kinds (Ingress, IngressClass) never get a CRD-style
/// status, and an Ingress that is not ours is never touched.
/// </summary>
public sealed partial class CrdStatusWriter : IAsyncDisposable
{
    private readonly IKubernetes _client;
    private readonly KubernetesResourceSource _source;
    private readonly LeaderElection _leader;
    private readonly KubernetesMetrics? _metrics;
    private readonly ILogger _logger;
    private readonly SemaphoreSlim _signal = new(0);
    private readonly CancellationTokenSource _stop = new();
    private readonly Lock _desiredLock = new();
    private Dictionary<string, (JsonObject Status, bool Whole)> _desired = new(StringComparer.Ordinal);
    private Task _loop = Task.CompletedTask;

    public CrdStatusWriter(IKubernetes client, KubernetesResourceSource source, LeaderElection leader, KubernetesMetrics? metrics, ILogger logger)
    {
        _client = client;
        _source = source;
        _leader = leader;
        _metrics = metrics;
        _logger = logger;
        _leader.LeadershipChanged += leading =>
        {
            if (leading)
            {
                Signal();
            }
        };
    }

    /// <summary>How many status writes this replica made.</summary>
    public int Writes { get; private set; }

    public void Start() => _loop = RunAsync(_stop.Token);

    /// <summary>Takes the statuses of a new snapshot; call it right after the snapshot was built (its scan's generations).</summary>
    /// <param name="ingressLoadBalancers">The <c>status.loadBalancer</c> of each Ingress we serve, by origin.</param>
    public void Publish(IReadOnlyList<ResourceStatus> statuses, IReadOnlyDictionary<string, JsonObject>? ingressLoadBalancers = null)
    {
        var generations = _source.ScannedGenerations;
        var desired = new Dictionary<string, (JsonObject, bool)>(StringComparer.Ordinal);
        foreach (var status in statuses)
        {
            if (status.File is { } origin && generations.TryGetValue(origin, out var generation)
                && _source.KindOf(origin) is { } kind && !ResourceKinds.IsKubernetesKind(kind.Kind))
            {
                desired[origin] = (ResourceStatusDocument.Create(status, generation), true);
            }
        }

        foreach (var (origin, loadBalancer) in ingressLoadBalancers ?? new Dictionary<string, JsonObject>())
        {
            desired[origin] = (new JsonObject { ["loadBalancer"] = loadBalancer.DeepClone() }, false);
        }

        lock (_desiredLock)
        {
            _desired = desired;
        }

        Signal();
    }

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
    }

    private void Signal()
    {
        if (_signal.CurrentCount == 0)
        {
            _signal.Release();
        }
    }

    private async Task RunAsync(CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                await _signal.WaitAsync(cancellationToken).ConfigureAwait(false);
                if (_leader.IsLeader && !await WriteAllAsync(cancellationToken).ConfigureAwait(false))
                {
                    // Some writes failed (API down, a conflict): try again shortly.
                    await Task.Delay(TimeSpan.FromSeconds(1), cancellationToken).ConfigureAwait(false);
                    Signal();
                }
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                break;
            }
        }
    }

    private async Task<bool> WriteAllAsync(CancellationToken cancellationToken)
    {
        Dictionary<string, (JsonObject Status, bool Whole)> desired;
        lock (_desiredLock)
        {
            desired = _desired;
        }

        var allWritten = true;
        foreach (var (origin, (status, whole)) in desired)
        {
            if (!_leader.IsLeader)
            {
                return true;
            }

            if (_source.FindCustom(origin) is not { } item || _source.KindOf(origin) is not { } kind)
            {
                continue;
            }

            var current = item.Fields.TryGetValue("status", out var stored) ? JsonNode.Parse(stored.GetRawText()) as JsonObject : null;
            if (current is not null && (whole ? JsonNode.DeepEquals(current, status) : Contains(current, status)))
            {
                continue;
            }

            try
            {
                await PatchAsync(kind, item, Patch(whole ? current : null, status), cancellationToken).ConfigureAwait(false);
                Writes++;
                _metrics?.StatusWritten(kind.KindName);
            }
            catch (HttpOperationException ex) when (ex.Response?.StatusCode == HttpStatusCode.NotFound)
            {
                // Deleted meanwhile: nothing to report on.
            }
            catch (Exception ex) when (ex is HttpOperationException or HttpRequestException or IOException)
            {
                allWritten = false;
                LogWriteFailed(origin, ex.Message);
            }
        }

        return allWritten;
    }

    private static bool Contains(JsonObject current, JsonObject wanted)
    {
        foreach (var (key, value) in wanted)
        {
            if (!JsonNode.DeepEquals(current[key], value))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>A merge patch that makes the status exactly <paramref name="desired"/>: keys we no longer report are removed.</summary>
    private static string Patch(JsonObject? current, JsonObject desired)
    {
        var status = (JsonObject)desired.DeepClone();
        foreach (var (key, _) in current ?? [])
        {
            if (!status.ContainsKey(key))
            {
                status[key] = null;
            }
        }

        return new JsonObject { ["status"] = status }.ToJsonString();
    }

    private Task PatchAsync(WatchedKind kind, CustomResource item, string patch, CancellationToken cancellationToken)
    {
        var body = new V1Patch(patch, V1Patch.PatchType.MergePatch);
        return kind.ClusterScoped
            ? _client.CustomObjects.PatchClusterCustomObjectStatusAsync(body, kind.Group, kind.Version, kind.Plural, item.Metadata.Name, cancellationToken: cancellationToken)
            : _client.CustomObjects.PatchNamespacedCustomObjectStatusAsync(body, kind.Group, kind.Version, item.Metadata.NamespaceProperty, kind.Plural, item.Metadata.Name, cancellationToken: cancellationToken);
    }

    [LoggerMessage(EventId = 130, Level = LogLevel.Warning, Message = "Could not write the status of {Resource}: {Reason}; retrying")]
    private partial void LogWriteFailed(string resource, string reason);
}
