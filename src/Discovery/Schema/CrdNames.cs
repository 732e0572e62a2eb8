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
        var plural = ResourceKinds.ByPlural.FirstOrDefault(pair => pair.Value == kind).Key ?? kindName.ToLowerInvariant() + "s";
        return new CrdNames(kindName, plural, kindName.ToLowerInvariant(), GlooShortNames.GetValueOrDefault(kindName) ?? []);
    }
}
