
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

    public CompiledRoute? Match(HttpRequest request, string path, out int matchedLength)
    {
        foreach (var route in Routes)
        {
            foreach (var condition in route.Conditions)
            {
                if (condition.Matches(request, path, out matchedLength))
                {
                    return route;
                }
            }
        }

        matchedLength = 0;
        return null;
    }
}
