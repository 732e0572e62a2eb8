namespace Sluice.Gateway.Inspection;

// The answers of inspect, route test, get and check. The admin API serves them as JSON and the CLI prints them, so
// online and offline answers come from the same code and look the same.

/// <summary>One effective option: its value as the compiled filter describes it, and where it was set.</summary>
/// <param name="Source">The resource and field path (<c>VirtualService default/shop virtualHost.options</c>).</param>
/// <param name="Location">FILE:LINE:COL of the option, when known.</param>
/// <param name="Overrides">Less specific layers that also set it and lost, most recent first.</param>
internal sealed record OptionReport(string Name, string Value, string Source, string? Location, IReadOnlyList<string> Overrides);

/// <summary>One filter of a chain, in stage order, with the option it was compiled from.</summary>
internal sealed record FilterReport(string Stage, string Option, string Description);

/// <summary>One weighted destination of a forwarding route; its own options and chain when it has any.</summary>
internal sealed record DestinationReport(string Upstream, uint Weight, string? Source, IReadOnlyList<OptionReport> Options, IReadOnlyList<FilterReport> Filters);

/// <summary><c>sluice inspect route</c>.</summary>
internal sealed record RouteReport(
    string Name,
    string VirtualHost,
    IReadOnlyList<string> Listeners,
    int Index,
    string DefinedAt,
    string? Location,
    IReadOnlyList<string> DelegatedThrough,
    IReadOnlyList<string> Matchers,
    string Action,
    IReadOnlyList<DestinationReport> Destinations,
    IReadOnlyList<OptionReport> Options,
    IReadOnlyList<string> Defaults,
    IReadOnlyList<FilterReport> Filters);

/// <summary>One route in a virtual host's match order.</summary>
internal sealed record RouteSummary(int Index, string Name, string Match, string Action, string DefinedAt);

/// <summary><c>sluice inspect host</c>.</summary>
internal sealed record HostReport(
    string Name,
    IReadOnlyList<string> Listeners,
    IReadOnlyList<string> Domains,
    string? Location,
    IReadOnlyList<OptionReport> Options,
    IReadOnlyList<RouteSummary> Routes);

/// <summary>One endpoint of an upstream and its health (<c>unknown</c> offline).</summary>
internal sealed record EndpointReport(string Address, int Weight, string Health, int ActiveRequests);

/// <summary>One route that sends traffic to an upstream, and the filters the request runs on the way.</summary>
internal sealed record UpstreamRouteReport(string VirtualHost, string Route, uint Weight, uint TotalWeight, IReadOnlyList<FilterReport> Filters);

/// <summary><c>sluice inspect upstream</c>.</summary>
internal sealed record UpstreamReport(
    string Name,
    string? Location,
    string Policies,
    bool LiveHealth,
    IReadOnlyList<EndpointReport> Endpoints,
    IReadOnlyList<UpstreamRouteReport> Routes);

/// <summary>What an inspect query found: exactly one of the reports, or an error with the candidates to choose from.</summary>
internal sealed record InspectResult
{
    public string? Error { get; init; }

    public IReadOnlyList<string> Candidates { get; init; } = [];

    public RouteReport? Route { get; init; }

    public HostReport? Host { get; init; }

    public UpstreamReport? Upstream { get; init; }
}
