using Sluice.Discovery.Model;

namespace Sluice.Discovery.Ingress;

/// <summary>
/// A Kubernetes <c>networking.k8s.io/v1 Ingress</c>, with Kubernetes' field names exactly, so the same YAML loads from
/// a file and from the cluster. <c>status</c> is written by the controller and ignored on load.
/// </summary>
public sealed record Ingress : Resource
{
    public required IngressSpec Spec { get; init; }
}

public sealed record IngressSpec
{
    public string? IngressClassName { get; init; }

    /// <summary>Serves requests that match no rule of any Ingress; without one they get 404.</summary>
    public IngressBackend? DefaultBackend { get; init; }

    public IReadOnlyList<IngressTls> Tls { get; init; } = [];

    public IReadOnlyList<IngressRule> Rules { get; init; } = [];
}

public sealed record IngressRule
{
    /// <summary>A DNS name or <c>*.</c> and a DNS name (one label); absent means every host.</summary>
    public string? Host { get; init; }

    public HttpIngressRuleValue? Http { get; init; }
}

public sealed record HttpIngressRuleValue
{
    public IReadOnlyList<HttpIngressPath> Paths { get; init; } = [];
}

public sealed record HttpIngressPath
{
    public string? Path { get; init; }

    /// <summary><c>Exact</c>, <c>Prefix</c> or <c>ImplementationSpecific</c>; required, as in the API server.</summary>
    public string? PathType { get; init; }

    public IngressBackend? Backend { get; init; }
}

/// <summary>Exactly one of <see cref="Service"/> and <see cref="Resource"/>.</summary>
public sealed record IngressBackend
{
    public IngressServiceBackend? Service { get; init; }

    public TypedLocalObjectReference? Resource { get; init; }
}

public sealed record IngressServiceBackend
{
    public string? Name { get; init; }

    public ServiceBackendPort? Port { get; init; }
}

/// <summary>Exactly one of <see cref="Name"/> (a Service port's name) and <see cref="Number"/>.</summary>
public sealed record ServiceBackendPort
{
    public string? Name { get; init; }

    public int? Number { get; init; }
}

public sealed record TypedLocalObjectReference
{
    public string? ApiGroup { get; init; }

    public string? Kind { get; init; }

    public string? Name { get; init; }
}

public sealed record IngressTls
{
    /// <summary>The SNI names this certificate serves; none means it is the default certificate.</summary>
    public IReadOnlyList<string> Hosts { get; init; } = [];

    /// <summary>A <c>kubernetes.io/tls</c> Secret in the Ingress's namespace.</summary>
    public string? SecretName { get; init; }
}

/// <summary>The path types of <c>networking.k8s.io/v1</c>.</summary>
public static class IngressPathTypes
{
    public const string Exact = "Exact";
    public const string Prefix = "Prefix";
    public const string ImplementationSpecific = "ImplementationSpecific";
}
