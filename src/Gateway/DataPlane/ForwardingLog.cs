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
    /// Whether a failed attempt was cut by the route's own deadline (a 504, the upstream's fault) rather than by the
    /// client leaving.
    /// </summary>
    public static bool RouteTimedOut(HttpContext context, ForwarderError error, CancellationTokenSource? routeDeadline) =>
        error != ForwarderError.None && routeDeadline is { IsCancellationRequested: true } && !context.RequestAborted.IsCancellationRequested;

    [LoggerMessage(EventId = 100, Level = LogLevel.Debug, Message = "Forwarding to upstream {Upstream} failed: {Error} {Detail}")]
    private static partial void UpstreamError(ILogger logger, string upstream, ForwarderError error, string detail);
}
