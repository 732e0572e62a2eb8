using Sluice.Gateway.Configuration;
using Sluice.Gateway.Routing;

namespace Sluice.Gateway.Inspection;

/// <summary>A virtual host as served, with every listener that serves it (one VirtualService may be on several).</summary>
internal sealed record ServedHost(CompiledVirtualHost Host, IReadOnlyList<CompiledListener> Listeners)
{
    public string Name => Host.Name;

    public IReadOnlyList<string> ListenerNames => [.. Listeners.Select(l => $"{l.Name} {(l.Ssl ? "https" : "http")}:{l.Port}")];
}

/// <summary>One route in one virtual host, at its place in the match order.</summary>
internal sealed record ServedRoute(ServedHost Host, int Index, CompiledRoute Route)
{
    /// <summary>The unambiguous name: <c>NAMESPACE/VIRTUALSERVICE/INDEX</c>, the index in match order after delegation.</summary>
    public string Key => $"{Host.Name}/{Index}";

    /// <summary>
    /// Every name the route answers to: its key, its <c>name</c> (or the generated one), and where it is written
    /// (<c>NAMESPACE/OWNER/FIELD.PATH</c>, the same for a route without a name).
    /// </summary>
    public IEnumerable<string> Names =>
        Route.Source is { } source ? [Key, Route.Name, $"{source.Resource.Namespace}/{source.Resource.Name}/{source.FieldPath}"] : [Key, Route.Name];

    /// <summary>The key, and the name when it differs, for lists of candidates.</summary>
    public string Display => Route.Name == Key ? Key : $"{Key}  ({Route.Name})";
}

/// <summary>Enumerates what a compiled config serves, each virtual host once, in listener then precedence order.</summary>
internal static class ServedRoutes
{
    public static IReadOnlyList<ServedHost> Hosts(CompiledConfig config)
    {
        var hosts = new List<(CompiledVirtualHost Host, List<CompiledListener> Listeners)>();
        foreach (var listener in config.Listeners.Values.OrderBy(l => l.Port))
        {
            foreach (var host in listener.Hosts.VirtualHosts)
            {
                var existing = hosts.FindIndex(h => h.Host.Name == host.Name);
                if (existing >= 0)
                {
                    hosts[existing].Listeners.Add(listener);
                }
                else
                {
                    hosts.Add((host, [listener]));
                }
            }
        }

        return [.. hosts.Select(h => new ServedHost(h.Host, h.Listeners))];
    }

    public static IEnumerable<ServedRoute> Routes(CompiledConfig config) =>
        Hosts(config).SelectMany(host => host.Host.Routes.Select((route, index) => new ServedRoute(host, index, route)));
}
