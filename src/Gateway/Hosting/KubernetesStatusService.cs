using System.Text.Json.Nodes;
using Sluice.Discovery.Ingress;
using Sluice.Discovery.Kubernetes;
using Sluice.Discovery.Kubernetes.Leadership;
using Sluice.Discovery.Kubernetes.Status;
using Sluice.Gateway.Configuration;

namespace Sluice.Gateway;

/// <summary>
/// Campaigns for leadership and, as leader, writes each snapshot's status back to the cluster: the CRDs' verdicts,
/// and <c>status.loadBalancer</c> on the Ingresses this controller serves.
/// </summary>
internal sealed class KubernetesStatusService(
    LeaderElection leader, CrdStatusWriter writer, ConfigStore store, KubernetesResourceSource source, KubernetesRunOptions kubernetes, GatewayRunOptions options)
    : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        store.Applied += config => writer.Publish(config.Source.Statuses, IngressLoadBalancers(config));
        writer.Start();
        leader.Start();
        return Task.CompletedTask;
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        // Stop writing first, then give up the campaign; the Lease expires and another replica takes over.
        await writer.DisposeAsync().ConfigureAwait(false);
        await leader.DisposeAsync().ConfigureAwait(false);
    }

    private Dictionary<string, JsonObject> IngressLoadBalancers(CompiledConfig config)
    {
        var result = new Dictionary<string, JsonObject>(StringComparer.Ordinal);
        var ownService = kubernetes.PublishService?.Split('/') is [var ns, var name] ? source.FindService(ns, name) : null;
        if (IngressLoadBalancerStatus.Create(kubernetes.PublishAddresses, ownService) is not { } loadBalancer)
        {
            return result;
        }

        var selector = new IngressClassSelector(config.Source.Effective, options.Ingress);
        foreach (var resource in config.Source.Effective.All)
        {
            if (resource is Sluice.Discovery.Ingress.Ingress ingress && selector.IsOurs(ingress))
            {
                result[ingress.Origin.File] = loadBalancer;
            }
        }

        return result;
    }
}
