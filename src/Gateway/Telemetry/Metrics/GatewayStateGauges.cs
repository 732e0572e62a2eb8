using System.Diagnostics.Metrics;
using Sluice.Discovery.Model;
using Sluice.Discovery.Snapshots;
using Sluice.Gateway.Configuration;

namespace Sluice.Gateway.Telemetry.Metrics;

/// <summary>
/// Gauges read from the live configuration at each scrape: the snapshot version, resources by kind and status, and
/// every endpoint's availability (active health and outlier ejection). Observed, not counted, so the request path
/// pays nothing for them. One process serves one gateway; tests host several, so each running gateway registers here.
/// </summary>
internal sealed class GatewayStateGauges(ConfigStore store) : IHostedService
{
    private static readonly Lock Gate = new();
    private static readonly List<ConfigStore> Stores = [];

    private static readonly string[] StatusNames = ["accepted", "warning", "rejected"];

    // Created once; their callbacks read whichever gateways are running.
    private static readonly ObservableGauge<long> Version = GatewayInstruments.Meter.CreateObservableGauge(
        "sluice.config.version", ObserveVersion, unit: "{version}", description: "Version of the configuration snapshot being served.");

    private static readonly ObservableGauge<int> Resources = GatewayInstruments.Meter.CreateObservableGauge(
        "sluice.config.resources", ObserveResources, unit: "{resource}", description: "Resources in the live snapshot by kind and status (accepted, warning, rejected).");

    private static readonly ObservableGauge<int> EndpointHealthy = GatewayInstruments.Meter.CreateObservableGauge(
        "sluice.upstream.endpoint.healthy", ObserveHealthy, unit: "{endpoint}", description: "1 when the endpoint takes traffic (not failed by active health checks, not ejected), else 0.");

    private static readonly ObservableGauge<int> EndpointEjected = GatewayInstruments.Meter.CreateObservableGauge(
        "sluice.upstream.endpoint.ejected", ObserveEjected, unit: "{endpoint}", description: "1 while outlier detection has ejected the endpoint, else 0.");

    public Task StartAsync(CancellationToken cancellationToken)
    {
        _ = (Version, Resources, EndpointHealthy, EndpointEjected);
        lock (Gate)
        {
            Stores.Add(store);
        }

        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken)
    {
        lock (Gate)
        {
            Stores.Remove(store);
        }

        return Task.CompletedTask;
    }

    private static ConfigStore[] Running()
    {
        lock (Gate)
        {
            return [.. Stores];
        }
    }

    private static IEnumerable<Measurement<long>> ObserveVersion()
    {
        foreach (var running in Running())
        {
            yield return new Measurement<long>(running.Current.Version);
        }
    }

    private static IEnumerable<Measurement<int>> ObserveResources()
    {
        foreach (var running in Running())
        {
            var counts = new Dictionary<(ResourceKind, ResourceState), int>();
            foreach (var status in running.Current.Source.Statuses)
            {
                counts[(status.Id.Kind, status.State)] = counts.GetValueOrDefault((status.Id.Kind, status.State)) + 1;
            }

            // Every kind present reports all three statuses, so a rejection going away reads 0, not a vanished series.
            foreach (var kind in counts.Keys.Select(k => k.Item1).Distinct())
            {
                for (var state = 0; state < StatusNames.Length; state++)
                {
                    yield return new Measurement<int>(
                        counts.GetValueOrDefault((kind, (ResourceState)state)),
                        new KeyValuePair<string, object?>("kind", kind.ToString()),
                        new KeyValuePair<string, object?>("status", StatusNames[state]));
                }
            }
        }
    }

    private static IEnumerable<Measurement<int>> ObserveHealthy() => ObserveEndpoints(ejected: false);

    private static IEnumerable<Measurement<int>> ObserveEjected() => ObserveEndpoints(ejected: true);

    private static IEnumerable<Measurement<int>> ObserveEndpoints(bool ejected)
    {
        foreach (var running in Running())
        {
            foreach (var cluster in running.Current.Clusters.Values)
            {
                var now = cluster.Time.GetTimestamp();
                foreach (var endpoint in cluster.Endpoints)
                {
                    var isEjected = endpoint.State.IsEjected(now);
                    var value = ejected ? isEjected : !isEjected && !endpoint.State.IsUnhealthy;
                    yield return new Measurement<int>(
                        value ? 1 : 0,
                        new KeyValuePair<string, object?>("upstream", cluster.Name),
                        new KeyValuePair<string, object?>("endpoint", endpoint.Address));
                }
            }
        }
    }
}
