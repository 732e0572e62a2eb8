using Sluice.Discovery.Snapshots;
using Sluice.Gateway.Configuration;
using Sluice.Gateway.Routing;

namespace Sluice.Gateway.Inspection;

/// <summary>One route on the dashboard; rates are null until the request counter has been recorded at all.</summary>
internal sealed record DashboardRoute(string Key, string Name, string Match, string Action, string Status, IReadOnlyList<string> Reasons,
    double? RequestsPerSecond1m, double? ErrorPercent1m, long? Requests5m, double? ErrorPercent5m, long[]? Series);

internal sealed record DashboardHost(string Name, string Listeners, string Domains, string Status, IReadOnlyList<string> Reasons, IReadOnlyList<DashboardRoute> Routes);

internal sealed record DashboardResource(string Kind, string Name, string Status, bool ServingLastGood, IReadOnlyList<string> Reasons);

internal sealed record DashboardUpstream(string Name, string Policies, int Healthy, IReadOnlyList<EndpointReport> Endpoints);

internal sealed record DashboardReload(long Version, DateTimeOffset At, string Reason, double DurationMs, int Resources, int Rejected, int FileErrors, string Outcome);

/// <summary>Everything the dashboard shows, served as JSON at <c>/admin/dashboard</c> and rendered into <c>/dashboard</c>.</summary>
internal sealed record DashboardReport(
    long Version,
    DateTimeOffset GeneratedAt,
    bool ObservingRequests,
    IReadOnlyList<DashboardHost> Hosts,
    IReadOnlyList<DashboardResource> Problems,
    IReadOnlyList<DashboardUpstream> Upstreams,
    IReadOnlyList<DashboardReload> Reloads)
{
    public static DashboardReport Build(CompiledConfig config, IReadOnlyList<ReloadRecord> reloads, RouteTrafficRecorder traffic, DateTimeOffset now)
    {
        var statuses = config.Source.Statuses.ToDictionary(s => s.Id);
        var observing = traffic.ObservingRequests;
        var rates = traffic.Snapshot().ToDictionary(r => (r.VirtualHost, r.Route));
        var hosts = new List<DashboardHost>();
        foreach (var served in ServedRoutes.Hosts(config))
        {
            var hostStatus = StatusOf(statuses, HostResource(served.Host));
            var routes = new List<DashboardRoute>();
            for (var i = 0; i < served.Host.Routes.Length; i++)
            {
                var route = served.Host.Routes[i];
                var owner = route.Source is { } source && statuses.TryGetValue(source.Resource, out var ownerStatus) ? ownerStatus : null;
                rates.TryGetValue((served.Name, route.Name), out var rate);
                routes.Add(new DashboardRoute(
                    $"{served.Name}/{i}",
                    route.Name,
                    ConfigInspector.Match(route),
                    ConfigInspector.Action(route.Target),
                    owner is null ? "Accepted" : StatusText(owner),
                    owner is null ? [] : [.. owner.Reasons.Select(r => $"{r.FieldPath}: {r.Message}")],
                    observing ? (rate?.Requests1m ?? 0) / 60.0 : null,
                    observing ? Percent(rate?.Errors1m ?? 0, rate?.Requests1m ?? 0) : null,
                    observing ? rate?.Requests5m ?? 0 : null,
                    observing ? Percent(rate?.Errors5m ?? 0, rate?.Requests5m ?? 0) : null,
                    observing ? rate?.Series ?? new long[RouteTrafficRecorder.BucketCount] : null));
            }

            hosts.Add(new DashboardHost(
                served.Name,
                string.Join(", ", served.ListenerNames),
                string.Join(", ", served.Host.Domains),
                hostStatus is null ? "Accepted" : StatusText(hostStatus),
                hostStatus is null ? [] : [.. hostStatus.Reasons.Select(r => $"{r.FieldPath}: {r.Message}")],
                routes));
        }

        var problems = config.Source.Statuses
            .Where(s => s.State != ResourceState.Accepted)
            .OrderByDescending(s => s.State)
            .ThenBy(s => s.Id.ToString(), StringComparer.Ordinal)
            .Select(s => new DashboardResource(s.Id.Kind.ToString(), $"{s.Id.Namespace}/{s.Id.Name}", s.State.ToString(), s.ServingLastGood,
                [.. ResourceListing.Reasons(s.Reasons).Select(r => r.ToString())]))
            .Concat(config.Source.FileDiagnostics.Select(d => new DashboardResource("File", d.File, d.IsError ? "Rejected" : "Warning", false,
                [$"{d.File}:{d.Position.Line}:{d.Position.Column}: {d.Message}"])))
            .ToList();

        var upstreams = config.Clusters.Values.OrderBy(c => c.Name, StringComparer.Ordinal).Select(cluster => new DashboardUpstream(
            cluster.Name,
            cluster.Describe(),
            cluster.Endpoints.Count(e => EndpointHealth.IsServing(cluster, e)),
            [.. cluster.Endpoints.Select(e => new EndpointReport(e.Address, e.Weight, EndpointHealth.Describe(cluster, e), e.State.ActiveRequests))])).ToList();

        var reloadReports = reloads.Reverse().Select(r => new DashboardReload(r.Version, r.At, r.Reason, Math.Round(r.Duration.TotalMilliseconds, 1), r.Resources, r.Rejected, r.FileErrors,
            Outcome(r))).ToList();

        return new DashboardReport(config.Version, now, observing, hosts, problems, upstreams, reloadReports);
    }

    /// <summary>A reload always applies what is valid; what it rejected is listed under Problems with the reasons.</summary>
    private static string Outcome(ReloadRecord reload) =>
        (reload.Rejected, reload.FileErrors) switch
        {
            (0, 0) => "applied",
            (var rejected, 0) => $"applied; {rejected} rejected",
            (0, var files) => $"applied; {files} files unreadable",
            var (rejected, files) => $"applied; {rejected} rejected, {files} files unreadable",
        };

    private static Sluice.Discovery.Model.ResourceId HostResource(CompiledVirtualHost host)
    {
        var slash = host.Name.IndexOf('/', StringComparison.Ordinal);
        return new(Sluice.Discovery.Model.ResourceKind.VirtualService, host.Name[..slash], host.Name[(slash + 1)..]);
    }

    private static ResourceStatus? StatusOf(Dictionary<Sluice.Discovery.Model.ResourceId, ResourceStatus> statuses, Sluice.Discovery.Model.ResourceId id) =>
        statuses.TryGetValue(id, out var status) ? status : null;

    private static string StatusText(ResourceStatus status) => status.ServingLastGood ? $"{status.State} (serving last good)" : status.State.ToString();

    private static double Percent(long errors, long total) => total == 0 ? 0 : Math.Round(errors * 100.0 / total, 1);
}
