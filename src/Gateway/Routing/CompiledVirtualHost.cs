using Sluice.Gateway.Translation;

namespace Sluice.Gateway.Routing;

/// <summary>A virtual host's routes, in the order written (delegation already flattened). First match wins.</summary>
internal sealed class CompiledVirtualHost(string name, CompiledRoute[] routes)
{
    public string Name { get; } = name;

    public CompiledRoute[] Routes { get; } = routes;

    /// <summary>
    /// A Kubernetes Ingress wildcard host (<c>*.example.com</c>) stands for exactly one DNS label, unlike Envoy's
    /// suffix wildcard: <c>a.b.example.com</c> and <c>example.com</c> do not match it.
    /// </summary>
    public bool WildcardMatchesOneLabel { get; init; }

    /// <summary>The domains it serves, as written (for inspect).</summary>
    public string[] Domains { get; init; } = [];

    /// <summary>The Gateway and virtual host options every route starts from, with provenance (for inspect).</summary>
    public MergedOptions Options { get; init; } = MergedOptions.Empty;

    public CompiledRoute? Match(HttpRequest request, string path, out int matchedLength) =>
        MatchFrom(request, path, 0, out matchedLength, out _);

    /// <summary>
    /// The first route at or after <paramref name="start"/> that matches. The data plane starts at 0; route test
    /// starts after the winner to show which route would match next, with exactly the same code.
    /// </summary>
    public CompiledRoute? MatchFrom(HttpRequest request, string path, int start, out int matchedLength, out int index)
    {
        var routes = Routes;
        for (var i = start; i < routes.Length; i++)
        {
            foreach (var condition in routes[i].Conditions)
            {
                if (condition.Matches(request, path, out matchedLength))
                {
                    index = i;
                    return routes[i];
                }
            }
        }

        matchedLength = 0;
        index = -1;
        return null;
    }
}
