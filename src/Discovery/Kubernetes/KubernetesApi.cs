using k8s;
using k8s.Models;
using Sluice.Discovery.Kubernetes.Informers;

namespace Sluice.Discovery.Kubernetes;

/// <summary>The list/watch calls of every kind the controller reads, per namespace (or cluster-wide for null).</summary>
public static class KubernetesApi
{
    public static IListWatchClient<V1Service> Services(IKubernetes client, string? ns, string? labelSelector = null) =>
        new ListWatchClient<V1Service, V1ServiceList>(Describe("v1/services", ns), (cont, limit, rv, timeout, watch, ct) => ns is null
            ? client.CoreV1.ListServiceForAllNamespacesWithHttpMessagesAsync(allowWatchBookmarks: watch ? true : null, continueParameter: cont, labelSelector: labelSelector, limit: limit, resourceVersion: rv, timeoutSeconds: timeout, watch: watch, cancellationToken: ct)
            : client.CoreV1.ListNamespacedServiceWithHttpMessagesAsync(ns, allowWatchBookmarks: watch ? true : null, continueParameter: cont, labelSelector: labelSelector, limit: limit, resourceVersion: rv, timeoutSeconds: timeout, watch: watch, cancellationToken: ct));

    public static IListWatchClient<V1EndpointSlice> EndpointSlices(IKubernetes client, string? ns) =>
        new ListWatchClient<V1EndpointSlice, V1EndpointSliceList>(Describe("discovery.k8s.io/v1/endpointslices", ns), (cont, limit, rv, timeout, watch, ct) => ns is null
            ? client.DiscoveryV1.ListEndpointSliceForAllNamespacesWithHttpMessagesAsync(allowWatchBookmarks: watch ? true : null, continueParameter: cont, limit: limit, resourceVersion: rv, timeoutSeconds: timeout, watch: watch, cancellationToken: ct)
            : client.DiscoveryV1.ListNamespacedEndpointSliceWithHttpMessagesAsync(ns, allowWatchBookmarks: watch ? true : null, continueParameter: cont, limit: limit, resourceVersion: rv, timeoutSeconds: timeout, watch: watch, cancellationToken: ct));

    public static IListWatchClient<V1Secret> Secrets(IKubernetes client, string? ns) =>
        new ListWatchClient<V1Secret, V1SecretList>(Describe("v1/secrets", ns), (cont, limit, rv, timeout, watch, ct) => ns is null
            ? client.CoreV1.ListSecretForAllNamespacesWithHttpMessagesAsync(allowWatchBookmarks: watch ? true : null, continueParameter: cont, limit: limit, resourceVersion: rv, timeoutSeconds: timeout, watch: watch, cancellationToken: ct)
            : client.CoreV1.ListNamespacedSecretWithHttpMessagesAsync(ns, allowWatchBookmarks: watch ? true : null, continueParameter: cont, limit: limit, resourceVersion: rv, timeoutSeconds: timeout, watch: watch, cancellationToken: ct));

    public static IListWatchClient<V1Namespace> Namespaces(IKubernetes client, string? labelSelector) =>
        new ListWatchClient<V1Namespace, V1NamespaceList>("v1/namespaces", (cont, limit, rv, timeout, watch, ct) =>
            client.CoreV1.ListNamespaceWithHttpMessagesAsync(allowWatchBookmarks: watch ? true : null, continueParameter: cont, labelSelector: labelSelector, limit: limit, resourceVersion: rv, timeoutSeconds: timeout, watch: watch, cancellationToken: ct));

    public static IListWatchClient<CustomResource> CustomResources(IKubernetes client, string group, string version, string plural, string? ns) =>
        new ListWatchClient<CustomResource, CustomResourceList>(Describe($"{group}/{version}/{plural}", ns), (cont, limit, rv, timeout, watch, ct) => ns is null
            ? client.CustomObjects.ListClusterCustomObjectWithHttpMessagesAsync<CustomResourceList>(group, version, plural, allowWatchBookmarks: watch ? true : null, continueParameter: cont, limit: limit, resourceVersion: rv, timeoutSeconds: timeout, watch: watch, cancellationToken: ct)
            : client.CustomObjects.ListNamespacedCustomObjectWithHttpMessagesAsync<CustomResourceList>(group, version, ns, plural, allowWatchBookmarks: watch ? true : null, continueParameter: cont, limit: limit, resourceVersion: rv, timeoutSeconds: timeout, watch: watch, cancellationToken: ct));

    private static string Describe(string resource, string? ns) => ns is null ? resource : $"{resource} in {ns}";
}
