using k8s.Models;

namespace Sluice.Discovery.Kubernetes.Informers;

public enum InformerEventType
{
    Added,
    Modified,
    Deleted,
}

/// <summary>A change the informer applied to its cache. <see cref="Previous"/> is the cached object it replaced.</summary>
public readonly record struct InformerEvent<T>(InformerEventType Type, T Item, T? Previous)
    where T : k8s.IKubernetesObject<V1ObjectMeta>;
