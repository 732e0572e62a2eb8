using Sluice.Filters;

namespace Sluice.Discovery.Model;

/// <summary>One active health check (Envoy's HealthCheck): how often, how long to wait, and when to flip an endpoint.</summary>
[GlooUnsupported(DiagnosticSeverity.Warning, "unhealthyInterval", "unhealthyEdgeInterval", "healthyEdgeInterval",
    "eventLogPath", "eventService", "alwaysLogHealthCheckFailures", "tlsOptions", "transportSocketMatchCriteria", "altPort",
    "grpcHealthCheck", "customHealthCheck", "redisHealthCheck")]
public sealed record HealthCheck
{
    /// <summary>How long one check may take before it counts as a failure.</summary>
    [RequiredField]
    public TimeSpan Timeout { get; init; }

    /// <summary>Time between checks of each endpoint.</summary>
    [RequiredField]
    public TimeSpan Interval { get; init; }

    /// <summary>Random delay (0 to this) before the first round.</summary>
    public TimeSpan? InitialJitter { get; init; }

    /// <summary>Random extra delay (0 to this) added to every interval.</summary>
    public TimeSpan? IntervalJitter { get; init; }

    /// <summary>Random extra delay of 0 to this percent of the interval, added to every interval.</summary>
    public uint IntervalJitterPercent { get; init; }

    /// <summary>Failed checks (timeouts, connection errors) before a healthy endpoint is marked unhealthy.</summary>
    [RequiredField]
    public uint UnhealthyThreshold { get; init; }

    /// <summary>Passed checks before an unhealthy endpoint is healthy again.</summary>
    [RequiredField]
    public uint HealthyThreshold { get; init; }

    /// <summary>Keep the health check connection open between checks; defaults to true.</summary>
    public bool? ReuseConnection { get; init; }

    /// <summary>The interval while the upstream has never carried traffic; defaults to 60s, as in Envoy.</summary>
    public TimeSpan? NoTrafficInterval { get; init; }

    public HttpHealthCheck? HttpHealthCheck { get; init; }

    public TcpHealthCheck? TcpHealthCheck { get; init; }
}

[GlooUnsupported(DiagnosticSeverity.Warning, "send", "receive", "requestHeadersToAdd", "requestHeadersToRemove",
    "serviceName", "serviceNameMatcher", "responseAssertions", "method")]
public sealed record HttpHealthCheck
{
    /// <summary>The Host header of the check; defaults to the endpoint's address (Envoy uses the cluster name).</summary>
    public string? Host { get; init; }

    [RequiredField]
    public string Path { get; init; } = string.Empty;

    /// <summary>Half-open ranges [start, end) of healthy statuses; defaults to 200 only.</summary>
    public IReadOnlyList<Int64Range> ExpectedStatuses { get; init; } = [];

    /// <summary>Gloo's older field for checking over HTTP/2; same as <c>codecClientType: HTTP2</c>.</summary>
    public bool UseHttp2 { get; init; }

    public CodecClientType? CodecClientType { get; init; }
}

/// <summary>A connect-only check: healthy when a TCP connection opens within the timeout.</summary>
[GlooUnsupported(DiagnosticSeverity.Warning, "send", "receive")]
public sealed record TcpHealthCheck;

public sealed record Int64Range
{
    [RequiredField]
    public long Start { get; init; }

    [RequiredField]
    public long End { get; init; }
}

public enum CodecClientType
{
    HTTP1 = 0,
    HTTP2 = 1,
    HTTP3 = 2,
}
