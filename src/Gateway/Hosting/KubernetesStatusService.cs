using Sluice.Discovery.Kubernetes.Leadership;
using Sluice.Discovery.Kubernetes.Status;
using Sluice.Gateway.Configuration;

namespace Sluice.Gateway;

/// <summary>Campaigns for leadership and, as leader, writes the status of every snapshot back to the cluster.</summary>
internal sealed class KubernetesStatusService(LeaderElection leader, CrdStatusWriter writer, ConfigStore store) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        store.Applied += config => writer.Publish(config.Source.Statuses);
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
}
