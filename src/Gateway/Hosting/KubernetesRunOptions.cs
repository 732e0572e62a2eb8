using k8s;
using Sluice.Discovery.Kubernetes;

namespace Sluice.Gateway;

/// <summary>What <c>sluice run --kubernetes</c> was asked to do.</summary>
internal sealed record KubernetesRunOptions
{
    public required KubernetesClientConfiguration Client { get; init; }

    public KubernetesSourceOptions Source { get; init; } = new();

    /// <summary>Debounce between a change in the cluster and the rebuild it causes (bursts become one snapshot).</summary>
    public TimeSpan QuietPeriod { get; init; } = TimeSpan.FromMilliseconds(50);

    /// <summary>Write status on CRDs (and Ingresses), as the leader. Off: every replica only reads.</summary>
    public bool WriteStatus { get; init; } = true;

    /// <summary>Addresses (IPs or host names) written to owned Ingresses' <c>status.loadBalancer</c>; empty to take them from <see cref="PublishService"/>.</summary>
    public IReadOnlyList<string> PublishAddresses { get; init; } = [];

    /// <summary><c>NAMESPACE/NAME</c> of Sluice's own Service, whose address owned Ingresses get when no publish address is set.</summary>
    public string? PublishService { get; init; }

    public required string LeaseNamespace { get; init; }

    public string LeaseName { get; init; } = "sluice-leader";

    public required string Identity { get; init; }

    public TimeSpan LeaseDuration { get; init; } = TimeSpan.FromSeconds(15);

    public TimeSpan RenewDeadline { get; init; } = TimeSpan.FromSeconds(10);

    public TimeSpan RetryPeriod { get; init; } = TimeSpan.FromSeconds(2);
}
