using Sluice.Gateway.Upstreams.HealthChecking;

namespace Sluice.Gateway.Upstreams;

/// <summary>Upstream health events: rare, so they are logged at information level; the request path never formats.</summary>
internal static partial class UpstreamLog
{
    [LoggerMessage(EventId = 300, Level = LogLevel.Warning, Message = "Outlier detection ejected {Address} of upstream {Upstream} for {Seconds:F1} s ({Reason}, ejection #{Multiplier})")]
    public static partial void Ejected(ILogger logger, string upstream, string address, double seconds, string reason, int multiplier);

    [LoggerMessage(EventId = 301, Level = LogLevel.Information, Message = "{Address} of upstream {Upstream} is back in rotation after its ejection")]
    public static partial void Returned(ILogger logger, string upstream, string address);

    [LoggerMessage(EventId = 302, Level = LogLevel.Information, Message = "Outlier detection would eject {Address} of upstream {Upstream} ({Reason}) but {Ejected} endpoints are already ejected (maxEjectionPercent {MaxEjectionPercent})")]
    public static partial void EjectionOverflow(ILogger logger, string upstream, string address, string reason, int ejected, int maxEjectionPercent);

    [LoggerMessage(EventId = 310, Level = LogLevel.Warning, Message = "Health check marked {Address} of upstream {Upstream} unhealthy: {Detail}")]
    public static partial void MarkedUnhealthy(ILogger logger, string upstream, string address, string detail);

    [LoggerMessage(EventId = 311, Level = LogLevel.Information, Message = "Health check marked {Address} of upstream {Upstream} healthy")]
    public static partial void MarkedHealthy(ILogger logger, string upstream, string address);

    [LoggerMessage(EventId = 312, Level = LogLevel.Debug, Message = "Health check of {Address} (upstream {Upstream}) failed: {Result} {Detail}")]
    public static partial void CheckFailed(ILogger logger, string upstream, string address, HealthCheckResult result, string detail);

    [LoggerMessage(EventId = 313, Level = LogLevel.Information, Message = "Active health checks for upstream {Upstream}: {Description}")]
    public static partial void ChecksStarted(ILogger logger, string upstream, string description);

    [LoggerMessage(EventId = 314, Level = LogLevel.Information, Message = "Active health checks for upstream {Upstream} stopped")]
    public static partial void ChecksStopped(ILogger logger, string upstream);

    [LoggerMessage(EventId = 320, Level = LogLevel.Error, Message = "Upstream maintenance after a config change failed; health checks keep their previous settings")]
    public static partial void MaintenanceFailed(ILogger logger, Exception exception);
}
