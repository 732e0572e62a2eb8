using Sluice.Filters;
using Sluice.Gateway.Telemetry.Metrics;

namespace Sluice.Gateway.DataPlane;

/// <summary>
/// The responses the gateway writes itself on the request path. Replies on a matched route pass the response-side
/// filters first, as Envoy's local replies pass its encoder filters.
/// </summary>
internal static class LocalReply
{
    /// <summary>The header that says which circuit breaker refused a request (Sluice's <c>x-envoy-overloaded</c>).</summary>
    public const string OverflowHeader = "x-sluice-overflow";

    private static readonly byte[] TimeoutBody = "upstream request timeout\n"u8.ToArray();

    public static Task WriteAsync(HttpContext context, int status, byte[] body)
    {
        var response = context.Response;
        response.StatusCode = status;
        if (status is StatusCodes.Status204NoContent or StatusCodes.Status205ResetContent or StatusCodes.Status304NotModified)
        {
            // These responses have no body (RFC 9110), so a configured direct response body is dropped: writing one
            // makes Kestrel throw and abort the connection after the headers, breaking the client's keep-alive.
            return Task.CompletedTask;
        }

        response.ContentType = "text/plain; charset=utf-8";
        response.ContentLength = body.Length;
        return response.Body.WriteAsync(body, 0, body.Length);
    }

    /// <summary>Envoy's "no healthy upstream" 503: the upstream has no endpoint that can take the request.</summary>
    public static Task NoHealthyUpstreamAsync(HttpContext context, ProxyExchange exchange, UpstreamCluster cluster)
    {
        UpstreamMetrics.NoHealthyEndpoint(exchange, cluster.Name);
        return MatchedRouteReplyAsync(context, exchange, StatusCodes.Status503ServiceUnavailable, cluster.NoEndpointsBody);
    }

    /// <summary>A circuit breaker refused the request: 503 at once, naming the breaker.</summary>
    public static Task OverflowAsync(HttpContext context, ProxyExchange exchange, UpstreamCluster cluster, string? overflow)
    {
        overflow ??= "overflow";
        UpstreamMetrics.Overflowed(exchange, cluster.Name, overflow);
        context.Response.Headers[OverflowHeader] = overflow;
        return MatchedRouteReplyAsync(context, exchange, StatusCodes.Status503ServiceUnavailable, cluster.OverloadedBody(overflow));
    }

    /// <summary>
    /// Envoy's 504 "upstream request timeout", for a route timeout or the last attempt's per-try timeout, when nothing
    /// was sent to the client yet; once the response started, YARP has already reset it.
    /// </summary>
    public static Task UpstreamTimeoutAsync(HttpContext context, ProxyExchange exchange)
    {
        UpstreamMetrics.TimedOut(exchange, exchange.UpstreamName ?? string.Empty);
        if (context.Response.HasStarted)
        {
            return Task.CompletedTask;
        }

        context.Response.Clear();
        return MatchedRouteReplyAsync(context, exchange, StatusCodes.Status504GatewayTimeout, TimeoutBody);
    }

    private static Task MatchedRouteReplyAsync(HttpContext context, ProxyExchange exchange, int status, byte[] body)
    {
        context.Response.StatusCode = status;
        ProxyRequestHandler.RunResponseFilters(exchange);
        return WriteAsync(context, status, body);
    }
}
