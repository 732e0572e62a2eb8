using Sluice.Filters;
using Sluice.Filters.Retry;
using Sluice.Gateway.Telemetry.Metrics;
using Yarp.ReverseProxy.Forwarder;

namespace Sluice.Gateway.DataPlane;

/// <summary>What the single-attempt path and the retry loop both log about a failed upstream exchange.</summary>
internal static partial class ForwardingLog
{
    public static void Failure(ILogger logger, HttpContext context, ForwarderError error, UpstreamCluster cluster)
    {
        if (error != ForwarderError.None && logger.IsEnabled(LogLevel.Debug))
        {
            UpstreamError(logger, cluster.Name, error, context.Features.Get<IForwarderErrorFeature>()?.Exception?.Message ?? string.Empty);
        }
    }

    /// <summary>
    /// Counts a failed attempt by how it failed (connect failure, reset, timeout) and sets the access log's response
    /// flags; a failure caused by the client leaving is the client's, and shows as DC instead.
    /// </summary>
    public static void Report(HttpContext context, ProxyExchange exchange, UpstreamCluster cluster, ForwarderError error, bool timedOut)
    {
        if (context.RequestAborted.IsCancellationRequested && !timedOut)
        {
            return;
        }

        if (error == ForwarderError.ResponseBodyDestination)
        {
            // The upstream broke off mid-body: the client's response is cut short (Envoy's UC).
            exchange.ResponseFlags |= ResponseFlags.UpstreamConnectionTermination;
            return;
        }

        UpstreamMetrics.AttemptFailed(exchange, cluster.Name, AttemptFailureClassifier.Classify(error, context.Features.Get<IForwarderErrorFeature>()?.Exception), timedOut);
    }

    /// <summary>
    /// Whether a failed attempt was cut by the route's own deadline (a 504, the upstream's fault) rather than by the
    /// client leaving.
    /// </summary>
    public static bool RouteTimedOut(HttpContext context, ForwarderError error, CancellationTokenSource? routeDeadline) =>
        error != ForwarderError.None && routeDeadline is { IsCancellationRequested: true } && !context.RequestAborted.IsCancellationRequested;

    [LoggerMessage(EventId = 100, Level = LogLevel.Debug, Message = "Forwarding to upstream {Upstream} failed: {Error} {Detail}")]
    private static partial void UpstreamError(ILogger logger, string upstream, ForwarderError error, string detail);
}
