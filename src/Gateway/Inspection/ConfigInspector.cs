using Sluice.Discovery.Model;
using Sluice.Filters;
using Sluice.Gateway.Configuration;
using Sluice.Gateway.DataPlane;
using Sluice.Gateway.Routing;
using Sluice.Gateway.Translation;

namespace Sluice.Gateway.Inspection;

/// <summary>
/// <c>sluice inspect</c>: what the compiled config does with one route, virtual host or upstream, and where every
/// effective value came from. Works on the live config (admin API, with live endpoint health) and on a config compiled
/// offline from files (health unknown); both are the translator's output, so they cannot disagree with serving.
/// </summary>
internal sealed class ConfigInspector(CompiledConfig config, FilterRegistry filters, bool liveHealth)
{
    public InspectResult Route(string query)
    {
        var matches = NameLookup.Find(ServedRoutes.Routes(config), r => r.Names, query);
        var distinct = matches.DistinctBy(r => r.Key).ToList();
        if (distinct.Count != 1)
        {
            return NotFound("route", query, distinct.Select(r => r.Display), ServedRoutes.Routes(config).Select(r => r.Display));
        }

        return new InspectResult { Route = RouteReport(distinct[0]) };
    }

    public InspectResult Host(string query)
    {
        var hosts = ServedRoutes.Hosts(config);
        var matches = NameLookup.Find(hosts, h => [h.Name], query);
        if (matches.Count == 0)
        {
            // A domain is a natural way to name a virtual host: resolve it exactly as the listener would.
            var byDomain = config.Listeners.Values
                .Select(l => l.Hosts.Find(query, l.Port))
                .Where(h => h is not null)
                .Select(h => hosts.First(s => s.Name == h!.Name))
                .DistinctBy(h => h.Name)
                .ToList();
            matches = byDomain;
        }

        if (matches.Count != 1)
        {
            return NotFound("virtual host", query, matches.Select(h => h.Name), hosts.Select(h => h.Name));
        }

        var host = matches[0];
        return new InspectResult
        {
            Host = new HostReport(
                host.Name,
                host.ListenerNames,
                host.Host.Domains,
                Location(HostId(host.Host), "virtualHost"),
                Options(host.Host.Options, []),
                [.. host.Host.Routes.Select((route, index) => new RouteSummary(index, route.Name, Match(route), Action(route.Target), route.Provenance))]),
        };
    }

    public InspectResult Upstream(string query)
    {
        var matches = NameLookup.Find(config.Clusters.Values.OrderBy(c => c.Name, StringComparer.Ordinal), c => [c.Name], query);
        if (matches.Count != 1)
        {
            return NotFound("upstream", query, matches.Select(c => c.Name), config.Clusters.Keys.Order(StringComparer.Ordinal));
        }

        var cluster = matches[0];
        var routes = new List<UpstreamRouteReport>();
        foreach (var served in ServedRoutes.Routes(config))
        {
            if (served.Route.Target is not ForwardTarget forward)
            {
                continue;
            }

            var total = (uint)forward.Clusters.Sum(c => (long)c.Weight);
            foreach (var destination in forward.Clusters.Where(c => c.Cluster.Name == cluster.Name))
            {
                var chain = destination.Filters is null ? Filters(served.Route.Filters, served.Route.FilterOptions) : Filters(destination.Filters, destination.FilterOptions);
                routes.Add(new UpstreamRouteReport(served.Host.Name, served.Route.Name, destination.Weight, total, chain));
            }
        }

        var id = SplitName(cluster.Name) is var (ns, name) ? new ResourceId(ResourceKind.Upstream, ns, name) : default;
        return new InspectResult
        {
            Upstream = new UpstreamReport(
                cluster.Name,
                Location(id, "static"),
                cluster.Describe(),
                liveHealth,
                [.. cluster.Endpoints.Select(e => new EndpointReport(e.Address, e.Weight, liveHealth ? EndpointHealth.Describe(cluster, e) : "unknown (offline)", liveHealth ? e.State.ActiveRequests : 0))],
                routes),
        };
    }

    private RouteReport RouteReport(ServedRoute served)
    {
        var route = served.Route;
        var destinations = route.Target is ForwardTarget forward
            ? forward.Clusters.Select(c => new DestinationReport(
                c.Cluster.Name,
                c.Weight,
                c.Source?.ToString(),
                c.Options is null ? [] : Options(c.Options, []).Where(o => !route.Options.Values.TryGetValue(o.Name, out var inherited) || inherited.Value != c.Options.Values[o.Name].Value).ToList(),
                c.Filters is null ? [] : Filters(c.Filters, c.FilterOptions))).ToList()
            : [];
        return new RouteReport(
            route.Name,
            served.Host.Name,
            served.Host.ListenerNames,
            served.Index,
            route.Provenance,
            route.Source is { } source ? Location(source.Resource, source.FieldPath) : null,
            [.. route.DelegatedThrough.Select(d => d.ToString())],
            [.. route.Conditions.Select(c => c.Describe())],
            Action(route.Target),
            destinations,
            Options(route.Options, route.Filters.Zip(route.FilterOptions).ToList()),
            [.. filters.OptionNames.Where(name => !route.Options.Values.ContainsKey(name) && !(filters.TryGet(name, out var d) && d.IsListenerSetting)).Order(StringComparer.Ordinal)],
            Filters(route.Filters, route.FilterOptions));
    }

    private List<OptionReport> Options(MergedOptions options, List<(HttpFilter Filter, string Option)> compiled)
    {
        var reports = new List<OptionReport>();
        foreach (var (name, value) in options.Values)
        {
            var filter = compiled.FirstOrDefault(c => c.Option == name).Filter;
            var listenerSetting = filters.TryGet(name, out var descriptor) && descriptor.IsListenerSetting;
            if (filter is null && descriptor is not null && !listenerSetting)
            {
                // A virtual host's options are not compiled on their own; describe them as a route would run them.
                filter = descriptor.Compile(value.Value);
            }

            reports.Add(new OptionReport(
                name,
                listenerSetting ? "listener setting: applies to every connection of the listener, not per route" : filter?.Describe() ?? name,
                value.Source?.ToString() ?? value.Provenance,
                value.Source is { } source ? Location(source.Resource, $"{source.FieldPath}.{name}") : null,
                [.. value.Overridden.Select(o => o.ToString())]));
        }

        return reports;
    }

    internal static List<FilterReport> Filters(HttpFilter[] chain, string[] options) =>
        [.. chain.Select((filter, i) => new FilterReport(filter.Stage.ToString(), i < options.Length ? options[i] : "?", filter.Describe()))];

    private string? Location(ResourceId id, string fieldPath)
    {
        if (config.Source.Effective.Get<Resource>(id) is not { } resource)
        {
            return null;
        }

        var position = resource.Origin.PositionOf(fieldPath);
        return $"{resource.Origin.File}:{position.Line}:{position.Column}";
    }

    private static ResourceId HostId(CompiledVirtualHost host) =>
        SplitName(host.Name) is var (ns, name) ? new ResourceId(ResourceKind.VirtualService, ns, name) : default;

    private static (string Namespace, string Name)? SplitName(string name)
    {
        var slash = name.IndexOf('/', StringComparison.Ordinal);
        return slash > 0 ? (name[..slash], name[(slash + 1)..]) : null;
    }

    internal static string Match(CompiledRoute route) => string.Join(" or ", route.Conditions.Select(c => c.Describe()));

    internal static string Action(RouteTarget target) => target switch
    {
        ForwardTarget forward => "forward to " + string.Join(", ", forward.Clusters.Select(c => forward.Clusters.Length == 1 ? c.Cluster.Name : $"{c.Cluster.Name} (weight {c.Weight})")),
        DirectResponseTarget direct => $"direct response {direct.Status} ({direct.Body.Length} bytes)",
        RedirectTarget redirect => $"redirect {redirect.Status}"
            + (redirect.Action.HttpsRedirect ? " to https" : string.Empty)
            + (redirect.Action.HostRedirect is { } host ? $" host {host}" : string.Empty)
            + (redirect.Action.PathRedirect is { } path ? $" path {path}" : string.Empty)
            + (redirect.Action.PrefixRewrite is { } prefix ? $" prefix {prefix}" : string.Empty),
        _ => target.GetType().Name,
    };

    private static InspectResult NotFound(string what, string query, IEnumerable<string> ambiguous, IEnumerable<string> all)
    {
        var candidates = ambiguous.ToList();
        return candidates.Count > 1
            ? new InspectResult { Error = $"'{query}' names {candidates.Count} {what}s; say which", Candidates = candidates }
            : new InspectResult { Error = $"no {what} named '{query}'", Candidates = [.. all.Take(50)] };
    }
}

/// <summary>One endpoint's health in words, from its live state.</summary>
internal static class EndpointHealth
{
    public static string Describe(UpstreamCluster cluster, UpstreamEndpoint endpoint)
    {
        var state = endpoint.State;
        var now = cluster.Time.GetTimestamp();
        if (state.IsEjected(now))
        {
            return $"ejected (outlier detection, {cluster.Time.GetElapsedTime(now, state.EjectedUntil).TotalSeconds:F0}s left)";
        }

        if (state.IsUnhealthy)
        {
            return "unhealthy (health check failing)";
        }

        return cluster.HealthCheck is not null && !state.IsHealthVerified ? "pending (first health check not done)" : "healthy";
    }

    public static bool IsServing(UpstreamCluster cluster, UpstreamEndpoint endpoint) =>
        !endpoint.State.IsEjected(cluster.Time.GetTimestamp()) && !endpoint.State.IsUnhealthy;
}
