namespace Sluice.Gateway.Inspection;

/// <summary>The request to test: what a client would send.</summary>
internal sealed record RouteTestRequest(string Method, string Url, IReadOnlyList<string> Headers);

/// <summary>One filter as route test ran it (or why it did not).</summary>
internal sealed record SimulatedFilter(string Stage, string Option, string Description, string Outcome);

/// <summary>
/// <c>sluice route test</c>: what the gateway would do with one request, decided by the data plane's own matching code,
/// without sending anything.
/// </summary>
internal sealed record RouteTestReport
{
    /// <summary>In one line: forwarded, 404, redirect… (the status the client would see when the gateway answers itself).</summary>
    public required string Outcome { get; init; }

    public string? Error { get; init; }

    public string? Listener { get; init; }

    public string? Path { get; init; }

    public string? VirtualHost { get; init; }

    public string? Route { get; init; }

    public string? RouteKey { get; init; }

    public string? RouteDefinedAt { get; init; }

    public string? MatchedBy { get; init; }

    public string? NextRoute { get; init; }

    public string? NextRouteKey { get; init; }

    public string? Action { get; init; }

    public string? Upstream { get; init; }

    /// <summary>The endpoint it would go to, or the candidates when the load balancer decides per request.</summary>
    public string? Endpoint { get; init; }

    public IReadOnlyList<SimulatedFilter> Filters { get; init; } = [];

    public string? UpstreamPath { get; init; }

    public string? UpstreamHost { get; init; }

    /// <summary>The request headers sent upstream, as <c>name: value</c>, after every simulated filter.</summary>
    public IReadOnlyList<string> UpstreamHeaders { get; init; } = [];

    /// <summary>Response headers the gateway would set itself (redirect location, CORS preflight).</summary>
    public IReadOnlyList<string> ResponseHeaders { get; init; } = [];
}
