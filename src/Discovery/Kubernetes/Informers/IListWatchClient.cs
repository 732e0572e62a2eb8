using k8s;
using k8s.Models;

namespace Sluice.Discovery.Kubernetes.Informers;

/// <summary>
/// List and watch of one kind in one scope (a namespace or the whole cluster), over KubernetesClient. The informer
/// depends on this alone, so typed kinds and custom resources share one list-then-watch implementation.
/// </summary>
public interface IListWatchClient<T>
    where T : IKubernetesObject<V1ObjectMeta>
{
    /// <summary>What is listed, for logs and metrics: <c>v1/services</c>, <c>gateway.sluice.dev/v1/virtualservices</c>.</summary>
    string Resource { get; }

    Task<ListPage<T>> ListAsync(string? continueToken, int limit, CancellationToken cancellationToken);

    /// <summary>
    /// Watches from <paramref name="resourceVersion"/> with bookmarks. <paramref name="onError"/> receives what the
    /// stream reports as an ERROR event (a 410 Gone arrives this way, not as an exception).
    /// </summary>
    IAsyncEnumerable<(WatchEventType Type, T Item)> WatchAsync(string resourceVersion, int timeoutSeconds, Action<Exception> onError, CancellationToken cancellationToken);
}

/// <summary>One page of a list: its items, the list's resourceVersion and the token for the next page.</summary>
public sealed record ListPage<T>(IList<T> Items, string ResourceVersion, string? Continue);
