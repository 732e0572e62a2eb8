using System.Text;
using Sluice.Filters;
using Sluice.Gateway.Configuration;
using Sluice.Gateway.Routing;
using Yarp.ReverseProxy.Forwarder;

namespace Sluice.Gateway.DataPlane;

/// <summary>
/// The whole request path: read the current snapshot once (a request keeps it to the end), normalize the path,
/// pick the virtual host and the first matching route, run its filters, and forward with YARP's forwarder.
/// ASP.NET's endpoint routing is bypassed: it matches case-insensitively by templates, not Gloo's semantics.
/// </summary>
internal sealed partial class ProxyRequestHandler(ConfigStore store, IHttpForwarder forwarder, ILogger<ProxyRequestHandler> logger)
{
    private static readonly byte[] NoRouteBody = "no route matched this request\n"u8.ToArray();
    private static readonly byte[] NoListenerBody = "this listener serves no virtual service\n"u8.ToArray();
    private static readonly byte[] BadPathBody = "the request path is not allowed (encoded slash or backslash, or not absolute)\n"u8.ToArray();
    private static readonly byte[] TimeoutBody = "upstream request timeout\n"u8.ToArray();

    public async Task InvokeAsync(HttpContext context)
    {
        var config = store.Current;
        var localPort = context.Connection.LocalPort;
        if (!config.Listeners.TryGetValue(localPort, out var listener))
        {
            await WriteAsync(context, StatusCodes.Status404NotFound, NoListenerBody).ConfigureAwait(false);
            return;
        }

        var request = context.Request;
        if (!listener.Ssl)
        {
            // A cleartext h2c connection carries a marker TLS feature to select HTTP/2; the request is still http.
            request.Scheme = "http";
        }

        if (!PathNormalizer.TryNormalize(request.Path.Value ?? string.Empty, out var path))
        {
            await WriteAsync(context, StatusCodes.Status400BadRequest, BadPathBody).ConfigureAwait(false);
            return;
        }

        var virtualHost = listener.Hosts.Find(request.Host.Value ?? string.Empty, localPort);
        var matchedLength = 0;
        var route = virtualHost?.Match(request, path, out matchedLength);
        if (route is null)
        {
            await WriteAsync(context, StatusCodes.Status404NotFound, NoRouteBody).ConfigureAwait(false);
            return;
        }

        var picked = (route.Target as ForwardTarget)?.Pick();
        var chain = picked?.Filters ?? route.Filters;
        var exchange = new ProxyExchange(context, path, route.Name)
        {
            MatchedPathLength = matchedLength,
            Chain = chain,
            VirtualHostName = virtualHost!.Name,
            UpstreamName = picked?.Cluster.Name,
        };
        foreach (var filter in chain)
        {
            var verdict = await filter.OnRequestAsync(exchange).ConfigureAwait(false);
            if (verdict == FilterVerdict.Handled)
            {
                return;
            }
        }

        switch (route.Target)
        {
            case ForwardTarget:
                await ForwardAsync(context, exchange, picked!.Cluster).ConfigureAwait(false);
                break;
            case DirectResponseTarget direct:
                context.Response.StatusCode = direct.Status;
                RunResponseFilters(exchange);
                await WriteAsync(context, direct.Status, direct.Body).ConfigureAwait(false);
                break;
            case RedirectTarget redirect:
                context.Response.StatusCode = redirect.Status;
                context.Response.Headers.Location = RedirectLocation.Build(redirect.Action, request, path, matchedLength, listener.Ssl);
                RunResponseFilters(exchange);
                break;
        }

        for (var i = chain.Length - 1; i >= 0; i--)
        {
            await chain[i].OnResponseCompletedAsync(exchange).ConfigureAwait(false);
        }
    }

    /// <summary>Response-side filters in reverse stage order, for responses the gateway produces itself.</summary>
    internal static void RunResponseFilters(ProxyExchange exchange)
    {
        var chain = exchange.Chain;
        for (var i = chain.Length - 1; i >= 0; i--)
        {
            chain[i].OnResponseHeaders(exchange);
        }
    }

    private async Task ForwardAsync(HttpContext context, ProxyExchange exchange, UpstreamCluster cluster)
    {
        var endpoint = cluster.PickEndpoint(exchange, previous: null);
        if (endpoint is null)
        {
            // The gateway's own replies on a matched route pass the response-side filters, as Envoy's local replies do.
            context.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
            RunResponseFilters(exchange);
            await WriteAsync(context, StatusCodes.Status503ServiceUnavailable,
                Encoding.UTF8.GetBytes($"no healthy upstream: upstream {cluster.Name} has no endpoints\n")).ConfigureAwait(false);
            return;
        }

        context.Features.Set(exchange);
        if (exchange.Timeout is not { } timeout)
        {
            var error = await forwarder.SendAsync(context, endpoint.Prefix, endpoint.Invoker, cluster.RequestConfig, ForwardingTransformer.Instance).ConfigureAwait(false);
            LogForwardingError(context, error, cluster);
            return;
        }

        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted);
        deadline.CancelAfter(timeout);
        var result = await forwarder.SendAsync(context, endpoint.Prefix, endpoint.Invoker, cluster.RequestConfig, ForwardingTransformer.Instance, deadline.Token).ConfigureAwait(false);
        if (result != ForwarderError.None && deadline.IsCancellationRequested && !context.RequestAborted.IsCancellationRequested)
        {
            // Envoy answers a route timeout with 504 when nothing was sent yet; YARP reports it as a cancellation.
            if (!context.Response.HasStarted)
            {
                context.Response.Clear();
                context.Response.StatusCode = StatusCodes.Status504GatewayTimeout;
                RunResponseFilters(exchange);
                await WriteAsync(context, StatusCodes.Status504GatewayTimeout, TimeoutBody).ConfigureAwait(false);
            }

            return;
        }

        LogForwardingError(context, result, cluster);
    }

    private void LogForwardingError(HttpContext context, ForwarderError error, UpstreamCluster cluster)
    {
        if (error == ForwarderError.None || !logger.IsEnabled(LogLevel.Debug))
        {
            return;
        }

        var exception = context.Features.Get<IForwarderErrorFeature>()?.Exception;
        LogUpstreamError(cluster.Name, error, exception?.Message ?? string.Empty);
    }

    private static Task WriteAsync(HttpContext context, int status, byte[] body)
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

    [LoggerMessage(EventId = 100, Level = LogLevel.Debug, Message = "Forwarding to upstream {Upstream} failed: {Error} {Detail}")]
    private partial void LogUpstreamError(string upstream, ForwarderError error, string detail);
}
