using k8s;
using k8s.Autorest;
using k8s.Models;

namespace Sluice.Discovery.Kubernetes.Informers;

/// <summary>
/// An <see cref="IListWatchClient{T}"/> from a KubernetesClient list operation: the same call lists (watch: false)
/// and watches (watch: true), as in every generated <c>List*WithHttpMessagesAsync</c>.
/// </summary>
public sealed class ListWatchClient<T, TList>(
    string resource,
    Func<string? /*continue*/, int? /*limit*/, string? /*resourceVersion*/, int? /*timeoutSeconds*/, bool /*watch*/, CancellationToken, Task<HttpOperationResponse<TList>>> call)
    : IListWatchClient<T>
    where T : IKubernetesObject<V1ObjectMeta>
    where TList : IKubernetesObject<V1ListMeta>, IItems<T>
{
    public string Resource { get; } = resource;

    public async Task<ListPage<T>> ListAsync(string? continueToken, int limit, CancellationToken cancellationToken)
    {
        using var response = await call(continueToken, limit, null, null, false, cancellationToken).ConfigureAwait(false);
        var list = response.Body;
        return new ListPage<T>(list.Items ?? [], list.Metadata?.ResourceVersion ?? string.Empty, list.Metadata?.ContinueProperty);
    }

    // The per-kind WatchList*Async replacements cannot be reached generically; this extension does the same
    // streaming over the same list call with watch=true, which is what keeps one informer for every kind.
#pragma warning disable CS0618
    public IAsyncEnumerable<(WatchEventType Type, T Item)> WatchAsync(string resourceVersion, int timeoutSeconds, Action<Exception> onError, CancellationToken cancellationToken) =>
        call(null, null, resourceVersion, timeoutSeconds, true, cancellationToken).WatchAsync<T, TList>(onError, cancellationToken);
#pragma warning restore CS0618
}
