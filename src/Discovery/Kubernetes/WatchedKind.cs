using Sluice.Discovery.Loading;
using Sluice.Discovery.Model;

namespace Sluice.Discovery.Kubernetes;

/// <summary>A resource kind the controller reads from the cluster through the custom-objects API (any non-core group).</summary>
public sealed record WatchedKind(ResourceKind Kind, string KindName, string Group, string Version, string Plural, bool ClusterScoped)
{
    public string ApiVersion => $"{Group}/{Version}";

    /// <summary>Kinds with no namespace in the API (their paths have no <c>/namespaces/NS</c>).</summary>
    private static readonly HashSet<string> ClusterScopedKinds = new(StringComparer.Ordinal) { "IngressClass" };

    /// <summary>
    /// Every kind the loader knows that lives in a non-core API group: Sluice's CRDs (gateway.sluice.dev/v1), and the
    /// kinds others add to <see cref="ResourceKinds.ByName"/> (AuthConfig, Ingress, IngressClass) without a change here.
    /// With <paramref name="glooCrds"/>, the same kinds under Gloo's groups too.
    /// </summary>
    public static IReadOnlyList<WatchedKind> All(bool glooCrds)
    {
        var kinds = new List<WatchedKind>();
        foreach (var (name, kind) in ResourceKinds.ByName.OrderBy(k => k.Key, StringComparer.Ordinal))
        {
            var native = ResourceKinds.ApiVersionFor(kind, gloo: false);
            if (From(name, kind, native) is { } watched)
            {
                kinds.Add(watched);
            }

            if (glooCrds && native == ResourceKinds.SluiceApiVersion
                && ResourceKinds.ApiVersionFor(kind, gloo: true) is var gloo && gloo != native && From(name, kind, gloo) is { } glooKind)
            {
                kinds.Add(glooKind);
            }
        }

        return kinds;
    }

    public static string PluralOf(ResourceKind kind, string kindName)
    {
        foreach (var (plural, candidate) in ResourceKinds.ByPlural)
        {
            if (candidate == kind)
            {
                return plural;
            }
        }

        var lower = kindName.ToLowerInvariant();
        return lower.EndsWith('s') ? lower + "es" : lower + "s";
    }

    private static WatchedKind? From(string name, ResourceKind kind, string apiVersion)
    {
        var slash = apiVersion.IndexOf('/', StringComparison.Ordinal);
        return slash < 0 ? null : new WatchedKind(kind, name, apiVersion[..slash], apiVersion[(slash + 1)..], PluralOf(kind, name), ClusterScopedKinds.Contains(name));
    }
}
