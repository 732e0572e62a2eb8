using System.Collections.Frozen;
using Sluice.Discovery.Model;

namespace Sluice.Discovery.Loading;

/// <summary>Which apiVersions carry which kinds, and the folder names of Gloo's file layout.</summary>
internal static class ResourceKinds
{
    public const string SluiceApiVersion = "gateway.sluice.dev/v1";
    public const string GlooGatewayApiVersion = "gateway.solo.io/v1";
    public const string GlooApiVersion = "gloo.solo.io/v1";
    public const string KubernetesCoreApiVersion = "v1";
    public const string GlooEnterpriseApiVersion = "enterprise.gloo.solo.io/v1";
    public const string KubernetesNetworkingApiVersion = "networking.k8s.io/v1";

    public static readonly FrozenDictionary<string, ResourceKind> ByName = new Dictionary<string, ResourceKind>
    {
        ["VirtualService"] = ResourceKind.VirtualService,
        ["RouteTable"] = ResourceKind.RouteTable,
        ["Upstream"] = ResourceKind.Upstream,
        ["UpstreamGroup"] = ResourceKind.UpstreamGroup,
        ["Gateway"] = ResourceKind.Gateway,
        ["Secret"] = ResourceKind.Secret,
        ["AuthConfig"] = ResourceKind.AuthConfig,
        ["Ingress"] = ResourceKind.Ingress,
        ["IngressClass"] = ResourceKind.IngressClass,
    }.ToFrozenDictionary(StringComparer.Ordinal);

    /// <summary>Gloo's file mode stores resources as <c>&lt;plural&gt;/&lt;namespace&gt;/&lt;name&gt;.yaml</c>.</summary>
    public static readonly FrozenDictionary<string, ResourceKind> ByPlural = new Dictionary<string, ResourceKind>
    {
        ["virtualservices"] = ResourceKind.VirtualService,
        ["routetables"] = ResourceKind.RouteTable,
        ["upstreams"] = ResourceKind.Upstream,
        ["upstreamgroups"] = ResourceKind.UpstreamGroup,
        ["gateways"] = ResourceKind.Gateway,
        ["authconfigs"] = ResourceKind.AuthConfig,
    }.ToFrozenDictionary(StringComparer.Ordinal);

    /// <summary>Gloo kinds Sluice does not serve; a document of one of them is skipped with a warning.</summary>
    public static readonly FrozenSet<string> IgnoredGlooKinds = FrozenSet.ToFrozenSet(
    [
        "Settings", "Proxy", "RateLimitConfig", "VirtualHostOption", "RouteOption", "HttpListenerOption",
        "ListenerOption", "MatchableHttpGateway", "MatchableTcpGateway", "GraphQLApi", "Artifact",
    ], StringComparer.Ordinal);

    public static string ApiVersionFor(ResourceKind kind, bool gloo) => kind == ResourceKind.Secret ? KubernetesCoreApiVersion
        : kind is ResourceKind.Ingress or ResourceKind.IngressClass ? KubernetesNetworkingApiVersion
        : !gloo ? SluiceApiVersion
        : kind == ResourceKind.AuthConfig ? GlooEnterpriseApiVersion
        : kind is ResourceKind.Upstream or ResourceKind.UpstreamGroup ? GlooApiVersion
        : GlooGatewayApiVersion;

    public static bool IsAccepted(string apiVersion, ResourceKind kind) => IsKubernetesKind(kind)
        ? apiVersion == ApiVersionFor(kind, gloo: false)
        : apiVersion == SluiceApiVersion || apiVersion == ApiVersionFor(kind, gloo: true);

    /// <summary>Kubernetes' own kinds, served only under their Kubernetes apiVersion.</summary>
    public static bool IsKubernetesKind(ResourceKind kind) => kind is ResourceKind.Secret or ResourceKind.Ingress or ResourceKind.IngressClass;

    /// <summary>Kinds whose fields sit at the top level beside metadata (Kubernetes core kinds), not under <c>spec</c>.</summary>
    public static bool HasTopLevelFields(ResourceKind kind) => kind == ResourceKind.Secret;
}
