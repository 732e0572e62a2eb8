using System.Diagnostics;
using Microsoft.AspNetCore.Http.Features;
using Sluice.Filters;
using Sluice.Gateway.Configuration;
using Sluice.Gateway.Routing;
using Sluice.Gateway.Telemetry;
using Sluice.Gateway.Telemetry.AccessLogs;
using Sluice.Gateway.Telemetry.Metrics;
using Sluice.Gateway.Telemetry.Tracing;
using Yarp.ReverseProxy.Forwarder;

namespace Sluice.Gateway.DataPlane;

/// <summary>
/// The whole request path: read the current snapshot once (a request keeps it to the end), normalize the path,
/// pick the virtual host and the first matching route, run its filters, and forward with YARP's forwarder.
/// ASP.NET's endpoint routing is bypassed: it matches case-insensitively by templates, not Gloo's semantics.
/// </summary>
internal sealed class ProxyRequestHandler(ConfigStore store, IHttpForwarder forwarder, TimeProvider time, ILoggerFactory loggers, ILogger<ProxyRequestHandler> logger, RequestTelemetry telemetry, RequestTracer tracer, GatewayRunOptions? options = null)
{
    private static readonly byte[] NoRouteBody = "no route matched this request\n"u8.ToArray();
    private static readonly byte[] NoListenerBody = "this listener serves no virtual service\n"u8.ToArray();
    private static readonly byte[] SheddingBody = "the gateway is at its limit of requests in flight; retry shortly\n"u8.ToArray();

    private readonly int _maxInFlight = options?.MaxRequestsInFlight ?? int.MaxValue;
    private int _inFlight;

    /// <summary>Side requests filters make to Upstreams of the live snapshot (a Wasm filter's http_call).</summary>
    private readonly UpstreamHttpClient _upstreams = new(store);

    /// <summary>Forwarding for routes that retry or mirror; the handler's own path stays a single attempt.</summary>
    private readonly ForwardingLoop _loop = new(forwarder, time, new ShadowSender(time, loggers.CreateLogger<ShadowSender>()), loggers.CreateLogger<ForwardingLoop>());

    /// <summary>
    /// Sheds load past the global in-flight limit with 503 and Retry-After before any work is done, so an overload
    /// degrades into fast refusals instead of every request slowing down together.
    /// </summary>
    public async Task InvokeAsync(HttpContext context)
    {
        if (Interlocked.Increment(ref _inFlight) > _maxInFlight)
        {
            Interlocked.Decrement(ref _inFlight);
            context.Response.Headers.RetryAfter = "1";
            RequestTelemetry.Shed();
            await LocalReply.WriteAsync(context, StatusCodes.Status503ServiceUnavailable, SheddingBody).ConfigureAwait(false);
            return;
        }

        try
        {
            await HandleAsync(context).ConfigureAwait(false);
        }
        finally
        {
            Interlocked.Decrement(ref _inFlight);
        }
    }

    private async Task HandleAsync(HttpContext context)
    {
        // Everything below ends in the finally: one metrics measurement, one span and one access log line per request.
        var startedAt = Stopwatch.GetTimestamp();
        var trace = tracer.Begin(context);
        AccessLogPolicy? accessLog = null;
        var virtualHostName = string.Empty;
        var routeName = string.Empty;
        ProxyExchange? exchange = null;
        var flags = ResponseFlags.None;
        try
        {
            var config = store.Current;
            var localPort = context.Connection.LocalPort;
            if (!config.Listeners.TryGetValue(localPort, out var listener))
            {
                flags = ResponseFlags.NoRoute;
                await LocalReply.WriteAsync(context, StatusCodes.Status404NotFound, NoListenerBody).ConfigureAwait(false);
                return;
            }

            accessLog = listener.AccessLog;
            var request = context.Request;
            if (!listener.Ssl)
            {
                // A cleartext h2c connection carries a marker TLS feature to select HTTP/2; the request is still http.
                request.Scheme = "http";
            }

            var settings = listener.Settings;
            switch (RequestDoor.Enter(context, settings, out var path, out var refusal, out var location))
            {
                case DoorVerdict.Refuse:
                    await LocalReply.WriteAsync(context, StatusCodes.Status400BadRequest, refusal!).ConfigureAwait(false);
                    return;
                case DoorVerdict.Redirect:
                    context.Response.StatusCode = StatusCodes.Status307TemporaryRedirect;
                    context.Response.Headers.Location = location;
                    return;
            }

            var virtualHost = listener.Hosts.Find(request.Host.Value ?? string.Empty, localPort);
            var matchedLength = 0;
            var route = virtualHost?.Match(request, path, out matchedLength);
            if (route is null)
            {
                virtualHostName = virtualHost?.Name ?? string.Empty;
                flags = ResponseFlags.NoRoute;
                await LocalReply.WriteAsync(context, StatusCodes.Status404NotFound, NoRouteBody).ConfigureAwait(false);
                return;
            }

            virtualHostName = virtualHost!.Name;
            routeName = route.Name;
            GatewayTracing.RouteMatched(trace.Activity, virtualHostName, routeName);
            var picked = (route.Target as ForwardTarget)?.Pick();
            var chain = picked?.Filters ?? route.Filters;
            exchange = new ProxyExchange(context, path, route.Name)
            {
                MatchedPathLength = matchedLength,
                Chain = chain,
                VirtualHostName = virtualHostName,
                UpstreamName = picked?.Cluster.Name,
                PropagatedTrace = trace.Propagated,
                ClientAddress = ClientAddress.Resolve(context, settings),
                ForwardedFor = ClientAddress.Forwarded(context, settings),
                ForwardedProto = ClientAddress.ForwardedProto(context, settings),
                Upstreams = _upstreams,
            };
            if (request.ContentLength is null && context.Features.Get<IHttpRequestBodyDetectionFeature>() is { CanHaveBody: true })
            {
                // A streamed body's size is known only by counting it; bodies with a length cost nothing here.
                var counting = new ByteCountingStream(request.Body);
                request.Body = counting;
                exchange.CountedRequestBody = counting;
            }
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
                    await ForwardAsync(context, exchange, picked!.Cluster, config).ConfigureAwait(false);
                    break;
                case DirectResponseTarget direct:
                    context.Response.StatusCode = direct.Status;
                    RunResponseFilters(exchange);
                    await LocalReply.WriteAsync(context, direct.Status, direct.Body).ConfigureAwait(false);
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
        finally
        {
            telemetry.Completed(context, startedAt, accessLog, virtualHostName, routeName, exchange, flags, trace);
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

    /// <summary>
    /// Forwards to the route's upstream. A route that retries or mirrors takes the <see cref="ForwardingLoop"/>; every
    /// other request takes one attempt here, which costs nothing beyond YARP's own forwarding and the upstream's
    /// admission and outcome report. Upgrades (WebSocket, CONNECT) are tunnels and are never retried or mirrored.
    /// </summary>
    private Task ForwardAsync(HttpContext context, ProxyExchange exchange, UpstreamCluster cluster, CompiledConfig config)
    {
        context.Features.Set(exchange);
        if ((exchange.RetryPolicy is not null || exchange.Shadow is not null) && !IsUpgrade(context))
        {
            return _loop.ForwardAsync(context, exchange, cluster, config);
        }

        return ForwardOnceAsync(context, exchange, cluster);
    }

    private async Task ForwardOnceAsync(HttpContext context, ProxyExchange exchange, UpstreamCluster cluster)
    {
        if (!cluster.TryEnterRequest(out var overflow))
        {
            await LocalReply.OverflowAsync(context, exchange, cluster, overflow).ConfigureAwait(false);
            return;
        }

        try
        {
            var endpoint = cluster.PickEndpoint(exchange, previous: null);
            if (endpoint is null)
            {
                await LocalReply.NoHealthyUpstreamAsync(context, exchange, cluster).ConfigureAwait(false);
                return;
            }

            // Only a route with a timeout needs a token source; the others allocate nothing here.
            using var deadline = exchange.Timeout is { } timeout ? RouteDeadline(context, timeout) : null;
            var result = ForwarderError.Request;
            UpstreamMetrics.AttemptSent(exchange, cluster.Name, endpoint.Address);
            var span = GatewayTracing.StartAttempt(cluster, endpoint, 1);
            try
            {
                result = await forwarder.SendAsync(context, endpoint.Prefix, endpoint.Invoker, cluster.RequestConfig, ForwardingTransformer.Instance, deadline?.Token ?? CancellationToken.None).ConfigureAwait(false);
            }
            finally
            {
                // A route timeout is the upstream's failure (reported as 504); a client that left is nobody's.
                var upstreamStatus = UpstreamStatus(context, result);
                cluster.ReportOutcome(endpoint, ForwardingLog.RouteTimedOut(context, result, deadline) ? StatusCodes.Status504GatewayTimeout : upstreamStatus, result);
                GatewayTracing.AttemptCompleted(span, upstreamStatus, result != ForwarderError.None);
            }

            if (result != ForwarderError.None)
            {
                ForwardingLog.Report(context, exchange, cluster, result, ForwardingLog.RouteTimedOut(context, result, deadline));
            }

            if (ForwardingLog.RouteTimedOut(context, result, deadline))
            {
                // Envoy answers a route timeout with 504 when nothing was sent yet; YARP reports it as a cancellation.
                await LocalReply.UpstreamTimeoutAsync(context, exchange).ConfigureAwait(false);
                return;
            }

            ForwardingLog.Failure(logger, context, result, cluster);
        }
        finally
        {
            cluster.ExitRequest();
        }
    }

    private static CancellationTokenSource RouteDeadline(HttpContext context, TimeSpan timeout)
    {
        var deadline = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted);
        deadline.CancelAfter(timeout);
        return deadline;
    }

    private static bool IsUpgrade(HttpContext context) =>
        context.Features.Get<IHttpUpgradeFeature>() is { IsUpgradableRequest: true } ||
        context.Features.Get<IHttpExtendedConnectFeature>() is { IsExtendedConnect: true };

    /// <summary>
    /// What the upstream answered, for its outcome report, from what YARP left: the status it copied when the attempt
    /// got a response, 0 when the failure came before one (YARP's own 502/504 is not the upstream's).
    /// </summary>
    private static int UpstreamStatus(HttpContext context, ForwarderError error) => error switch
    {
        ForwarderError.None => context.Response.StatusCode,
        ForwarderError.ResponseBodyDestination or ForwarderError.ResponseBodyClient or ForwarderError.ResponseBodyCanceled
            or ForwarderError.RequestBodyClient or ForwarderError.RequestBodyDestination or ForwarderError.RequestBodyCanceled
            when context.Response.HasStarted => context.Response.StatusCode,
        _ => 0,
    };
}
