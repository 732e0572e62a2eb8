using System.Diagnostics.Metrics;

namespace Sluice.Discovery.Kubernetes;

/// <summary>
/// The <c>Sluice.Kubernetes</c> meter: per watched resource whether its watch is up, how often it relisted and
/// restarted, and how long ago the API server last answered it; plus the status writes the leader made.
/// </summary>
public sealed class KubernetesMetrics : IDisposable
{
    public const string MeterName = "Sluice.Kubernetes";

    private readonly Meter _meter = new(MeterName);
    private readonly Counter<long> _statusWrites;

    public KubernetesMetrics(KubernetesResourceSource source, TimeProvider time)
    {
        _meter.CreateObservableGauge("sluice.kubernetes.watch.up", () => Each(source, i => i.IsWatching ? 1 : 0),
            description: "1 while the watch of a resource is connected, 0 while it is down (the cached state keeps serving).");
        _meter.CreateObservableCounter("sluice.kubernetes.relists", () => Each(source, i => i.Relists), unit: "{list}",
            description: "Full lists of a resource: the first one, and one after every 410 Gone.");
        _meter.CreateObservableCounter("sluice.kubernetes.watch.restarts", () => Each(source, i => i.WatchRestarts), unit: "{watch}",
            description: "Watches that ended and were resumed.");
        _meter.CreateObservableGauge("sluice.kubernetes.last_sync.age", () => Ages(source, time), unit: "s",
            description: "Seconds since the API server last answered the informer of a resource (a list, an event or a bookmark).");
        _statusWrites = _meter.CreateCounter<long>("sluice.kubernetes.status.writes", unit: "{write}", description: "Status subresource writes by this replica as leader.");
    }

    public void StatusWritten(string kind) => _statusWrites.Add(1, new KeyValuePair<string, object?>("kind", kind));

    public void Dispose() => _meter.Dispose();

    private static IEnumerable<Measurement<int>> Each(KubernetesResourceSource source, Func<Informers.IInformerHealth, int> value)
    {
        foreach (var informer in source.Informers)
        {
            yield return new Measurement<int>(value(informer), new KeyValuePair<string, object?>("resource", informer.Resource));
        }
    }

    private static IEnumerable<Measurement<double>> Ages(KubernetesResourceSource source, TimeProvider time)
    {
        var now = time.GetUtcNow();
        foreach (var informer in source.Informers)
        {
            if (informer.LastContact is { } contact)
            {
                yield return new Measurement<double>((now - contact).TotalSeconds, new KeyValuePair<string, object?>("resource", informer.Resource));
            }
        }
    }
}
