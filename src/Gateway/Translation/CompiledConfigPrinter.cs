using System.Text;
using Sluice.Gateway.Configuration;
using Sluice.Gateway.Routing;

namespace Sluice.Gateway.Translation;

/// <summary>
/// A stable, readable text form of a compiled config: listeners, virtual hosts in precedence order, routes in match
/// order with their conditions, targets, filters and provenance. Golden files compare against it.
/// </summary>
internal static class CompiledConfigPrinter
{
    public static string Print(CompiledConfig config)
    {
        var text = new StringBuilder();
        foreach (var listener in config.Listeners.Values.OrderBy(l => l.Port))
        {
            text.Append("listener ").Append(listener.Name).Append(' ').Append(listener.BindAddress).Append(':').Append(listener.Port)
                .Append(listener.Ssl ? " https" : " http").Append('\n');
            foreach (var host in listener.Hosts.VirtualHosts)
            {
                text.Append("  virtualHost ").Append(host.Name).Append('\n');
                foreach (var route in host.Routes)
                {
                    text.Append("    route ").Append(route.Name).Append("  <- ").Append(route.Provenance).Append('\n');
                    foreach (var condition in route.Conditions)
                    {
                        text.Append("      match ").Append(condition.Describe()).Append('\n');
                    }

                    text.Append("      ").Append(Describe(route.Target)).Append('\n');
                    foreach (var filter in route.Filters)
                    {
                        text.Append("      filter ").Append(filter.Stage).Append(": ").Append(filter.Describe()).Append('\n');
                    }
                }
            }
        }

        return text.ToString();
    }

    private static string Describe(RouteTarget target) => target switch
    {
        ForwardTarget forward => "forward " + string.Join(", ", forward.Clusters.Select(c =>
            $"{c.Cluster.Name} weight {c.Weight} [{string.Join(' ', c.Cluster.Endpoints.Select(e => e.Prefix))}]"
            + (c.Filters is null ? string.Empty : $" filters {{{string.Join("; ", c.Filters.Select(f => f.Describe()))}}}"))),
        DirectResponseTarget direct => $"directResponse {direct.Status} ({direct.Body.Length} bytes)",
        RedirectTarget redirect => $"redirect {redirect.Status} host={redirect.Action.HostRedirect ?? "-"} path={redirect.Action.PathRedirect ?? "-"} prefix={redirect.Action.PrefixRewrite ?? "-"} https={redirect.Action.HttpsRedirect} stripQuery={redirect.Action.StripQuery} port={redirect.Action.PortRedirect?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "-"}",
        _ => target.GetType().Name,
    };
}
