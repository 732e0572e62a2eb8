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

    /// <summary>The address written to owned Ingresses' <c>status.loadBalancer</c>; null to take it from our own Service.</summary>
    public string? PublishAddress { get; init; }

    public required string LeaseNamespace { get; init; }

    public string LeaseName { get; init; } = "sluice-leader";

    public required string Identity { get; init; }

    public TimeSpan LeaseDuration { get; init; } = TimeSpan.FromSeconds(15);

    public TimeSpan RenewDeadline { get; init; } = TimeSpan.FromSeconds(10);

    public TimeSpan RetryPeriod { get; init; } = TimeSpan.FromSeconds(2);
}
