using System.Net;

namespace Sluice.Gateway;

/// <summary>What <c>sluice run</c> was asked to do.</summary>
internal sealed record GatewayRunOptions
{
    public required IReadOnlyList<string> ConfigPaths { get; init; }

    public required string StateDirectory { get; init; }

    public required IPEndPoint AdminEndpoint { get; init; }

    /// <summary>How long SIGTERM waits for in-flight requests before closing connections.</summary>
    public TimeSpan DrainTimeout { get; init; } = TimeSpan.FromSeconds(25);

    /// <summary>How long files must stay untouched before a reload reads them (a save may be half written before).</summary>
    public TimeSpan ReloadQuietPeriod { get; init; } = TimeSpan.FromMilliseconds(150);

    public TimeSpan ReloadPollInterval { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>Read resources from a Kubernetes cluster too (<c>--kubernetes</c>); null for files only.</summary>
    public KubernetesRunOptions? Kubernetes { get; init; }
}
