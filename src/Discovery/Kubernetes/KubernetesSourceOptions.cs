namespace Sluice.Discovery.Kubernetes;

/// <summary>What <c>sluice run --kubernetes</c> watches.</summary>
public sealed record KubernetesSourceOptions
{
    /// <summary>Namespaces to watch; empty for all (cluster-wide list and watch).</summary>
    public IReadOnlyList<string> Namespaces { get; init; } = [];

    /// <summary>A label selector on Namespaces (<c>env=prod,team</c>): only objects in matching namespaces are used.</summary>
    public string? NamespaceSelector { get; init; }

    /// <summary>A label selector on Services: only matching Services become discovered Upstreams.</summary>
    public string? ServiceSelector { get; init; }

    /// <summary>Also read Gloo's gateway.solo.io/v1 and gloo.solo.io/v1 kinds.</summary>
    public bool GlooCrds { get; init; }

    /// <summary>Turn each Service port into an Upstream named as Gloo's discovery does.</summary>
    public bool DiscoverServices { get; init; } = true;

    public Informers.InformerOptions Informer { get; init; } = new();
}
