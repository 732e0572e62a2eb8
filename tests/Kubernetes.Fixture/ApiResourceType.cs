namespace Sluice.Kubernetes.Fixture;

/// <summary>
/// One kind the fixture serves, as the API server's discovery would describe it. <see cref="HasStatus"/> gives the
/// kind a <c>/status</c> subresource: writes to the main resource then keep the stored status, and writes to
/// <c>/status</c> change nothing else (what a CRD with <c>subresources.status</c> does).
/// </summary>
public sealed record ApiResourceType(string Group, string Version, string Plural, string Kind, bool Namespaced, bool HasStatus)
{
    public string ApiVersion => Group.Length == 0 ? Version : $"{Group}/{Version}";

    public string Key => $"{Group}/{Version}/{Plural}";

    /// <summary>The kinds of a real cluster the controller reads or writes.</summary>
    public static IReadOnlyList<ApiResourceType> BuiltIn { get; } =
    [
        new(string.Empty, "v1", "namespaces", "Namespace", Namespaced: false, HasStatus: true),
        new(string.Empty, "v1", "services", "Service", Namespaced: true, HasStatus: true),
        new(string.Empty, "v1", "secrets", "Secret", Namespaced: true, HasStatus: false),
        new(string.Empty, "v1", "configmaps", "ConfigMap", Namespaced: true, HasStatus: false),
        new("discovery.k8s.io", "v1", "endpointslices", "EndpointSlice", Namespaced: true, HasStatus: false),
        new("networking.k8s.io", "v1", "ingresses", "Ingress", Namespaced: true, HasStatus: true),
        new("networking.k8s.io", "v1", "ingressclasses", "IngressClass", Namespaced: false, HasStatus: false),
        new("coordination.k8s.io", "v1", "leases", "Lease", Namespaced: true, HasStatus: false),
    ];
}
