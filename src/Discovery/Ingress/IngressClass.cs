using Sluice.Discovery.Model;

namespace Sluice.Discovery.Ingress;

/// <summary>
/// A Kubernetes <c>networking.k8s.io/v1 IngressClass</c>: which controller implements Ingresses of this class.
/// Cluster-scoped in Kubernetes; in files its namespace is ignored.
/// </summary>
public sealed record IngressClass : Resource
{
    public required IngressClassSpec Spec { get; init; }

    /// <summary>The annotation that makes a class the default for Ingresses that name none.</summary>
    public const string IsDefaultClassAnnotation = "ingressclass.kubernetes.io/is-default-class";

    public bool IsDefault => Metadata.Annotations.TryGetValue(IsDefaultClassAnnotation, out var value) && value == "true";
}

public sealed record IngressClassSpec
{
    /// <summary>The controller that implements this class, such as <c>gateway.sluice.dev/ingress-controller</c>.</summary>
    public string? Controller { get; init; }

    /// <summary>Controller-specific parameters; accepted and not used by Sluice.</summary>
    public IngressClassParametersReference? Parameters { get; init; }
}

public sealed record IngressClassParametersReference
{
    public string? ApiGroup { get; init; }

    public string? Kind { get; init; }

    public string? Name { get; init; }

    public string? Namespace { get; init; }

    public string? Scope { get; init; }
}
