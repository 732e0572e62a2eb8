using Sluice.Discovery.Model;

namespace Sluice.Gateway.Telemetry.AccessLogs;

/// <summary>
/// A listener's access logs, compiled from its Gateway's <c>options.accessLoggingService</c> once per snapshot: each
/// sink's path, format and filter, and the request headers its formats print (captured per request).
/// </summary>
internal sealed class AccessLogPolicy
{
    private AccessLogPolicy(AccessLogSink[] sinks, string[] capturedHeaders)
    {
        Sinks = sinks;
        CapturedHeaders = capturedHeaders;
    }

    public AccessLogSink[] Sinks { get; }

    /// <summary>Lower-case names of the request headers formats print beyond the standard fields.</summary>
    public string[] CapturedHeaders { get; }

    /// <summary>The listener's access logs, or null when it has none (the request path then does nothing).</summary>
    public static AccessLogPolicy? Compile(ListenerOptions? options)
    {
        if (options?.AccessLoggingService is not { AccessLog.Count: > 0 } service)
        {
            return null;
        }

        var headers = new List<string>();
        var sinks = new List<AccessLogSink>();
        foreach (var log in service.AccessLog)
        {
            if (log.FileSink is not { Path.Length: > 0 } sink)
            {
                continue;
            }

            sinks.Add(new AccessLogSink(sink.Path, AccessLogFormat.Compile(sink, headers), AccessLogFilterPredicate.Compile(log.Filter)));
        }

        return sinks.Count == 0 ? null : new AccessLogPolicy([.. sinks], [.. headers]);
    }
}

/// <summary>One access log: where lines go, how they look, which requests they keep.</summary>
internal sealed record AccessLogSink(string Path, AccessLogFormat Format, AccessLogFilterPredicate? Filter);
