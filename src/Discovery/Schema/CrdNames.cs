using Sluice.Discovery.Loading;
using Sluice.Discovery.Model;

namespace Sluice.Discovery.Schema;

/// <summary>The names a kind's CustomResourceDefinition gets in the API: plural, singular and kubectl's short names.</summary>
internal sealed record CrdNames(string Kind, string Plural, string Singular, IReadOnlyList<string> ShortNames)
{
    public const string Group = "gateway.sluice.dev";
    public const string Version = "v1";

    /// <summary>The short names Gloo gives the same kinds, so muscle memory (<c>kubectl get vs</c>) carries over.</summary>
    private static readonly Dictionary<string, string[]> GlooShortNames = new(StringComparer.Ordinal)
    {
        ["VirtualService"] = ["vs"],
        ["RouteTable"] = ["rt"],
        ["Upstream"] = ["us"],
        ["UpstreamGroup"] = ["ug"],
        ["Gateway"] = ["gw"],
        ["AuthConfig"] = ["ac"],
    };

    public string Name => $"{Plural}.{Group}";

    public static CrdNames For(string kindName, ResourceKind kind)
    {
        // The same rule the controller uses to build the API paths it watches, so the CRD serves exactly those.
        var lower = kindName.ToLowerInvariant();
        var plural = ResourceKinds.ByPlural.FirstOrDefault(pair => pair.Value == kind).Key ?? (lower.EndsWith('s') ? lower + "es" : lower + "s");
        return new CrdNames(kindName, plural, lower, GlooShortNames.GetValueOrDefault(kindName) ?? []);
    }
}
