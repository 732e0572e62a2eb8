using k8s.Models;

namespace Sluice.Discovery.Kubernetes.ServiceDiscovery;

/// <summary>
/// The endpoints of one Service port from every EndpointSlice of the Service, as kube-proxy and Envoy's EDS see them:
/// slice ports are matched to the Service port by name (the slice port number is the resolved targetPort); an
/// endpoint in several slices counts once; ready endpoints only, unless none is ready, then the ones still serving
/// while terminating (kube-proxy's ProxyTerminatingEndpoints) so that a rollout's last old pods keep answering.
/// </summary>
public static class EndpointSliceResolver
{
    public const string ServiceNameLabel = "kubernetes.io/service-name";

    public static IReadOnlyList<ServiceEndpoint> Resolve(string? servicePortName, IEnumerable<V1EndpointSlice> slices)
    {
        var ready = new SortedSet<ServiceEndpoint>(Comparer);
        var terminating = new SortedSet<ServiceEndpoint>(Comparer);
        foreach (var slice in slices)
        {
            if (slice.AddressType is "IPv4" or "IPv6" or "FQDN" or null && TargetPort(servicePortName, slice) is { } port)
            {
                foreach (var endpoint in slice.Endpoints ?? [])
                {
                    if (endpoint.Addresses is not { Count: > 0 } addresses)
                    {
                        continue;
                    }

                    // The addresses of one endpoint are fungible; consumers may use the first (EndpointSlice API).
                    var candidate = new ServiceEndpoint(addresses[0], port);
                    var conditions = endpoint.Conditions;

                    // A nil condition means true for ready and serving, false for terminating (API documentation).
                    var isReady = conditions?.Ready ?? true;
                    var isServing = conditions?.Serving ?? isReady;
                    if (isReady)
                    {
                        ready.Add(candidate);
                    }
                    else if (isServing && (conditions?.Terminating ?? false))
                    {
                        terminating.Add(candidate);
                    }
                }
            }
        }

        return ready.Count > 0 ? [.. ready] : [.. terminating];
    }

    /// <summary>The slice's port for the Service port of that name; an unnamed Service port matches an unnamed slice port.</summary>
    private static int? TargetPort(string? servicePortName, V1EndpointSlice slice)
    {
        foreach (var port in slice.Ports ?? [])
        {
            if (string.Equals(port.Name ?? string.Empty, servicePortName ?? string.Empty, StringComparison.Ordinal) && port.Port is { } number)
            {
                return number;
            }
        }

        return null;
    }

    private static readonly IComparer<ServiceEndpoint> Comparer = Comparer<ServiceEndpoint>.Create((a, b) =>
    {
        var byAddress = string.CompareOrdinal(a.Address, b.Address);
        return byAddress != 0 ? byAddress : a.Port.CompareTo(b.Port);
    });
}
