using System.Net;
using System.Text.Json.Nodes;
using k8s.Models;

namespace Sluice.Discovery.Kubernetes.Status;

/// <summary>
/// The <c>status.loadBalancer</c> written on the Ingresses Sluice serves: the configured publish addresses, else
/// the address of Sluice's own Service (its load balancer's ingress, else its external IPs, else its cluster IP), as
/// ingress-nginx's <c>--publish-service</c> does.
/// </summary>
public static class IngressLoadBalancerStatus
{
    public static JsonObject? Create(IReadOnlyList<string> publishAddresses, V1Service? ownService)
    {
        var addresses = new List<string>(publishAddresses);
        if (addresses.Count == 0 && ownService is not null)
        {
            var balancers = ownService.Status?.LoadBalancer?.Ingress ?? [];
            foreach (var entry in balancers)
            {
                if ((entry.Ip ?? entry.Hostname) is { Length: > 0 } address)
                {
                    addresses.Add(address);
                }
            }

            if (addresses.Count == 0)
            {
                addresses.AddRange(ownService.Spec?.ExternalIPs ?? []);
            }

            if (addresses.Count == 0 && ownService.Spec?.ClusterIP is { Length: > 0 } clusterIp && clusterIp != "None")
            {
                addresses.Add(clusterIp);
            }
        }

        if (addresses.Count == 0)
        {
            return null;
        }

        var ingress = new JsonArray();
        foreach (var address in addresses.Distinct(StringComparer.Ordinal))
        {
            ingress.Add(IPAddress.TryParse(address, out _) ? new JsonObject { ["ip"] = address } : new JsonObject { ["hostname"] = address });
        }

        return new JsonObject { ["ingress"] = ingress };
    }
}
