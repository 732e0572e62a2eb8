using System.Text;
using Sluice.Gateway.Inspection;

namespace Sluice.Gateway.Cli;

/// <summary>The text form of inspect answers: labelled lines, then options with their provenance indented below.</summary>
internal static class InspectPrinter
{
    public static string Route(RouteReport route)
    {
        var text = new StringBuilder();
        Line(text, "route", route.Name == $"{route.VirtualHost}/{route.Index}" ? route.Name : $"{route.Name}   (key {route.VirtualHost}/{route.Index})");
        Line(text, "virtual host", $"{route.VirtualHost}, route {route.Index} in match order, on {string.Join(", ", route.Listeners)}");
        Line(text, "defined at", route.DefinedAt + At(route.Location));
        foreach (var parent in route.DelegatedThrough)
        {
            Line(text, "delegated by", parent);
        }

        foreach (var matcher in route.Matchers)
        {
            Line(text, "match", matcher);
        }

        Line(text, "action", route.Action);
        Options(text, "effective options (most specific wins)", route.Options);
        if (route.Defaults.Count > 0)
        {
            text.Append("\ndefaults (set nowhere, so off): ").Append(string.Join(", ", route.Defaults)).Append('\n');
        }

        Filters(text, "filters in stage order", route.Filters);
        foreach (var destination in route.Destinations.Where(d => d.Options.Count > 0))
        {
            Options(text, $"destination {destination.Upstream} (weight {destination.Weight}) adds", destination.Options);
            Filters(text, $"filters for requests sent to {destination.Upstream}", destination.Filters);
        }

        return text.ToString();
    }

    public static string Host(HostReport host)
    {
        var text = new StringBuilder();
        Line(text, "virtual host", host.Name + At(host.Location));
        Line(text, "domains", string.Join(", ", host.Domains));
        Line(text, "listeners", string.Join(", ", host.Listeners));
        Options(text, "options every route starts from", host.Options);
        text.Append("\nroutes in match order:\n");
        foreach (var route in host.Routes)
        {
            text.Append("  ").Append(route.Index).Append("  ").Append(route.Name).Append('\n')
                .Append("       match ").Append(route.Match).Append('\n')
                .Append("       ").Append(route.Action).Append('\n');
        }

        return text.ToString();
    }

    public static string Upstream(UpstreamReport upstream)
    {
        var text = new StringBuilder();
        Line(text, "upstream", upstream.Name + At(upstream.Location));
        Line(text, "policies", upstream.Policies);
        text.Append(upstream.LiveHealth ? "\nendpoints (live health):\n" : "\nendpoints (offline: health unknown):\n");
        if (upstream.Endpoints.Count == 0)
        {
            text.Append("  none: requests routed here get 503\n");
        }

        foreach (var endpoint in upstream.Endpoints)
        {
            text.Append("  ").Append(endpoint.Address.PadRight(24)).Append(" weight ").Append(endpoint.Weight).Append("  ").Append(endpoint.Health);
            if (upstream.LiveHealth)
            {
                text.Append("  active ").Append(endpoint.ActiveRequests);
            }

            text.Append('\n');
        }

        text.Append("\nroutes sending traffic here:\n");
        if (upstream.Routes.Count == 0)
        {
            text.Append("  none\n");
        }

        foreach (var route in upstream.Routes)
        {
            text.Append("  ").Append(route.VirtualHost).Append("  ").Append(route.Route);
            if (route.Weight != route.TotalWeight)
            {
                text.Append("  (weight ").Append(route.Weight).Append(" of ").Append(route.TotalWeight).Append(')');
            }

            text.Append('\n');
            foreach (var filter in route.Filters)
            {
                text.Append("      ").Append(filter.Stage.PadRight(10)).Append(filter.Description).Append('\n');
            }
        }

        return text.ToString();
    }

    private static void Options(StringBuilder text, string title, IReadOnlyList<OptionReport> options)
    {
        text.Append('\n').Append(title).Append(':').Append(options.Count == 0 ? " none\n" : "\n");
        foreach (var option in options)
        {
            text.Append("  ").Append(option.Name.PadRight(22)).Append(option.Value).Append('\n');
            text.Append("  ").Append(string.Empty.PadRight(22)).Append("from ").Append(option.Source).Append(At(option.Location)).Append('\n');
            foreach (var overridden in option.Overrides)
            {
                text.Append("  ").Append(string.Empty.PadRight(22)).Append("overrides ").Append(overridden).Append('\n');
            }
        }
    }

    private static void Filters(StringBuilder text, string title, IReadOnlyList<FilterReport> filters)
    {
        text.Append('\n').Append(title).Append(':').Append(filters.Count == 0 ? " none\n" : "\n");
        foreach (var filter in filters)
        {
            text.Append("  ").Append(filter.Stage.PadRight(10)).Append(filter.Option.PadRight(22)).Append(filter.Description).Append('\n');
        }
    }

    private static void Line(StringBuilder text, string label, string value) =>
        text.Append(label.PadRight(14)).Append(value).Append('\n');

    private static string At(string? location) => location is null ? string.Empty : $"  ({location})";
}
