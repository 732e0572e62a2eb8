using Microsoft.AspNetCore.Http;

namespace Sluice.Filters;

/// <summary>
/// The per-request state a filter chain reads and shapes: what the gateway will send upstream.
/// One instance per request; everything else a filter touches is immutable and shared.
/// </summary>
public sealed class ProxyExchange
{
    private Dictionary<HttpFilter, object>? _filterState;

    public ProxyExchange(HttpContext httpContext, string routePath, string routeName)
    {
        HttpContext = httpContext;
        RoutePath = routePath;
        UpstreamPath = routePath;
        RouteName = routeName;
        StartTime = DateTimeOffset.UtcNow;
    }

    /// <summary>When the gateway started handling the request.</summary>
    public DateTimeOffset StartTime { get; init; }

    /// <summary>
    /// The client's address as the listener's trust settings decide it: the connection's peer unless trusted proxies
    /// in front of the gateway say otherwise (X-Forwarded-For). Rate limits, logs and templates use this.
    /// </summary>
    public System.Net.IPAddress? ClientAddress { get; set; }

    /// <summary>The X-Forwarded-For value the upstream gets (null sends none), decided once with <see cref="ClientAddress"/>.</summary>
    public string? ForwardedFor { get; set; }

    /// <summary>The X-Forwarded-Proto value the upstream gets: the listener's scheme, or a trusted proxy's.</summary>
    public string ForwardedProto { get; set; } = "http";

    /// <summary>The matched virtual host (<c>namespace/name</c> of its VirtualService).</summary>
    public string VirtualHostName { get; init; } = string.Empty;

    /// <summary>The upstream chosen for this request (<c>namespace/name</c>), or null for routes that do not forward.</summary>
    public string? UpstreamName { get; set; }

    public HttpContext HttpContext { get; }

    /// <summary>The normalized path used for matching and policy. Filters must not change it.</summary>
    public string RoutePath { get; }

    /// <summary>The path sent upstream (before the query string); rewrites change this.</summary>
    public string UpstreamPath { get; set; }

    /// <summary>The Host header sent upstream; null keeps the client's Host.</summary>
    public string? UpstreamHost { get; set; }

    /// <summary>The whole-request timeout (Envoy's route timeout); null means none.</summary>
    public TimeSpan? Timeout { get; set; }

    public string RouteName { get; }

    /// <summary>
    /// How many leading characters of <see cref="RoutePath"/> the winning matcher consumed: the prefix for a
    /// prefix matcher, the whole path for exact and regex matchers. Envoy's prefix rewrite replaces exactly these.
    /// </summary>
    public int MatchedPathLength { get; set; }

    /// <summary>A hash of the request for consistent-hash load balancing (set by <c>lbHash</c>); null picks without one.</summary>
    public ulong? HashKey { get; set; }

    /// <summary>The route's retry policy (<c>retries</c>); null forwards once.</summary>
    internal Retry.RetryPolicy? RetryPolicy { get; set; }

    /// <summary>Which attempt at the upstream the request is on, from 1; the forwarding loop counts retries.</summary>
    internal int AttemptCount { get; set; } = 1;

    /// <summary>Whether upstream requests carry <c>x-envoy-attempt-count</c> (<c>includeRequestAttemptCount</c>).</summary>
    internal bool IncludeAttemptCountInRequest { get; set; }

    /// <summary>Where to mirror this request (<c>shadowing</c>, when its percentage picked it); null for none.</summary>
    internal Shadowing.ShadowPolicy? Shadow { get; set; }

    /// <summary>The JWT that authenticated this request (set by <c>jwtStaged</c> / <c>jwt</c>), for rbac, rate-limit keys and headers.</summary>
    public Jwt.VerifiedJwt? Jwt { get; set; }

    /// <summary>Why the request ended as it did (Envoy's response flags), for access logs; filters that answer set theirs.</summary>
    public ResponseFlags ResponseFlags { get; set; }

    /// <summary>Whether this request is left out of the access log (the route's <c>accessLog: { disabled: true }</c>).</summary>
    public bool AccessLogDisabled { get; set; }

    /// <summary>The endpoint (<c>host:port</c>) the last attempt went to; null before one was picked.</summary>
    internal string? UpstreamAddress { get; set; }

    /// <summary>When the last upstream attempt was sent (a <see cref="System.Diagnostics.Stopwatch"/> timestamp).</summary>
    internal long UpstreamSentAt { get; set; }

    /// <summary>Stopwatch ticks from sending the last attempt to its response headers (Envoy's upstream service time); 0 when none.</summary>
    internal long UpstreamServiceTicks { get; set; }

    /// <summary>The trace context passed on to upstreams when the gateway propagates without recording spans.</summary>
    internal System.Diagnostics.ActivityContext PropagatedTrace { get; set; }

    /// <summary>How many upstream attempts were made.</summary>
    internal int UpstreamAttempts { get; set; }

    /// <summary>The response body wrapper counting bytes, when the response had no Content-Length.</summary>
    internal object? CountedResponseBody { get; set; }

    /// <summary>Side requests to Upstreams by name (a Wasm filter's <c>proxy_http_call</c>); null where the host offers none.</summary>
    public IUpstreamHttpClient? Upstreams { get; init; }

    /// <summary>The route's filters in stage order; the response side runs them in reverse.</summary>
    public HttpFilter[] Chain { get; set; } = [];

    /// <summary>
    /// State a filter keeps for this request between its request and response sides (filters are shared by every
    /// request, so they must not keep it in fields). Allocated only when a filter uses it.
    /// </summary>
    public T? GetState<T>(HttpFilter filter)
        where T : class => _filterState is not null && _filterState.TryGetValue(filter, out var state) ? (T)state : null;

    public void SetState(HttpFilter filter, object state) => (_filterState ??= [])[filter] = state;
}
