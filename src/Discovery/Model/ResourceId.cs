namespace Sluice.Discovery.Model;

/// <summary>Identifies a resource across versions: kind, namespace and name (Kubernetes' identity).</summary>
public readonly record struct ResourceId(ResourceKind Kind, string Namespace, string Name)
{
    public override string ToString() => $"{Kind} {Namespace}/{Name}";
}
