using System.Diagnostics;
using Sluice.Gateway.DataPlane;

namespace Sluice.Gateway.Telemetry.Tracing;

/// <summary>
/// W3C trace context through the gateway: a server span per downstream request (continuing the client's
/// <c>traceparent</c>, or starting a trace when it sent none) and a client span per upstream attempt, whose id is the
/// <c>traceparent</c> the upstream receives, so every retry is its own span. Spans exist only while tracing is on
/// (an OpenTelemetry tracer listens to <see cref="SourceName"/>); the sampler decides which are recorded.
/// </summary>
internal static class GatewayTracing
{
    public const string SourceName = "Sluice.Gateway";

    public static readonly ActivitySource Source = new(SourceName);

    private const string TraceParent = "traceparent";
    private const string TraceState = "tracestate";

    public static Activity? StartRequest(HttpContext context)
    {

        var headers = context.Request.Headers;
        var parentHeader = headers.TraceParent;
        ActivityContext parent = default;
        if (parentHeader.Count == 1)
        {
            // An invalid traceparent is ignored, as the W3C spec asks: the gateway then starts a new trace.
            _ = ActivityContext.TryParse(parentHeader[0], headers.TraceState.Count == 1 ? headers.TraceState[0] : null, isRemote: true, out parent);
        }

        // ASP.NET's hosting may have started an unsampled activity of its own for this request; the gateway's span
        // must descend from the client's traceparent or be a root, never from that local placeholder.
        Activity.Current = null;
        var activity = Source.StartActivity("sluice.request", ActivityKind.Server, parent);
        if (activity is { IsAllDataRequested: true })
        {
            activity.SetTag("http.request.method", context.Request.Method);
            activity.SetTag("url.scheme", context.Request.Scheme);
            activity.SetTag("server.port", context.Connection.LocalPort);
            activity.SetTag("network.protocol.version", context.Request.Protocol);
        }

        return activity;
    }

    /// <summary>Names the request span after its route once one matched (never after the raw path).</summary>
    public static void RouteMatched(Activity? activity, string virtualHost, string route)
    {
        if (activity is { IsAllDataRequested: true })
        {
            activity.DisplayName = route;
            activity.SetTag("sluice.virtual_host", virtualHost);
            activity.SetTag("http.route", route);
        }
    }

    public static void RequestCompleted(Activity? activity, int status, string? upstream)
    {
        if (activity is null)
        {
            return;
        }

        if (activity.IsAllDataRequested)
        {
            activity.SetTag("http.response.status_code", status);
            if (upstream is not null)
            {
                activity.SetTag("sluice.upstream", upstream);
            }

            if (status >= 500)
            {
                activity.SetStatus(ActivityStatusCode.Error);
            }
        }

        activity.Dispose();
    }

    public static Activity? StartAttempt(UpstreamCluster cluster, UpstreamEndpoint endpoint, int number)
    {
        if (Activity.Current is not { } parent || parent.Source != Source)
        {
            return null;
        }

        var activity = Source.StartActivity("sluice.upstream", ActivityKind.Client);
        if (activity is { IsAllDataRequested: true })
        {
            activity.DisplayName = cluster.Name;
            activity.SetTag("sluice.upstream", cluster.Name);
            activity.SetTag("server.address", endpoint.Address);
            activity.SetTag("http.request.resend_count", number - 1);
        }

        return activity;
    }

    public static void AttemptCompleted(Activity? activity, int upstreamStatus, bool failed)
    {
        if (activity is null)
        {
            return;
        }

        if (activity.IsAllDataRequested)
        {
            if (upstreamStatus > 0)
            {
                activity.SetTag("http.response.status_code", upstreamStatus);
            }

            if (failed || upstreamStatus >= 500)
            {
                activity.SetStatus(ActivityStatusCode.Error);
            }
        }

        activity.Dispose();
    }

    /// <summary>
    /// Replaces the client's trace headers on the upstream request with the current attempt's: its span when recording,
    /// else the propagated context with a fresh span id per attempt. The upstream continues the same trace as a child of
    /// that attempt. With tracing off the client's headers pass unchanged.
    /// </summary>
    public static void Inject(HttpRequestMessage request, in ActivityContext propagated)
    {
        string traceParent;
        string? traceState;
        if (Activity.Current is { } current && current.Source == Source)
        {
            traceParent = current.Id!;
            traceState = current.TraceStateString;
        }
        else if (propagated.TraceId != default)
        {
            traceParent = TraceParentHeader.Format(propagated.TraceId, ActivitySpanId.CreateRandom(), propagated.TraceFlags);
            traceState = propagated.TraceState;
        }
        else
        {
            return;
        }

        var headers = request.Headers;
        headers.Remove(TraceParent);
        headers.TryAddWithoutValidation(TraceParent, traceParent);
        headers.Remove(TraceState);
        if (traceState is { Length: > 0 })
        {
            headers.TryAddWithoutValidation(TraceState, traceState);
        }
    }
}
