using Sluice.Filters;

namespace Sluice.Discovery.Model;

/// <summary>
/// Gloo's Gateway <c>options</c> (ListenerOptions). Sluice implements <c>accessLoggingService</c>; the rest is
/// reported by name.
/// </summary>
[GlooUnsupported(DiagnosticSeverity.Warning, "extensions", "perConnectionBufferLimitBytes", "socketOptions", "proxyProtocol",
    "connectionBalanceConfig", "listenerAccessLoggingService", "tcpStats")]
public sealed record ListenerOptions
{
    public AccessLoggingService? AccessLoggingService { get; init; }
}

/// <summary>Gloo's <c>accessLoggingService</c>: every access log of the listener; each request is offered to each.</summary>
public sealed record AccessLoggingService
{
    public IReadOnlyList<AccessLog> AccessLog { get; init; } = [];
}

/// <summary>One access log: where it goes (<c>fileSink</c>) and which requests it keeps (<c>filter</c>).</summary>
[GlooUnsupported(DiagnosticSeverity.Warning, "grpcService")]
public sealed record AccessLog
{
    public FileSink? FileSink { get; init; }

    public AccessLogFilter? Filter { get; init; }
}

/// <summary>
/// A file (or <c>/dev/stdout</c>, <c>/dev/stderr</c>) with one line per request: Sluice's JSON fields when no format
/// is given, else <c>jsonFormat</c> (output key to Envoy command such as <c>%RESPONSE_CODE%</c>) or <c>stringFormat</c>.
/// </summary>
public sealed record FileSink
{
    [RequiredField]
    public string Path { get; init; } = string.Empty;

    public string? StringFormat { get; init; }

    public IReadOnlyDictionary<string, string>? JsonFormat { get; init; }
}

/// <summary>Envoy's AccessLogFilter: exactly one of these.</summary>
[GlooUnsupported(DiagnosticSeverity.Error, "notHealthCheckFilter", "traceableFilter", "runtimeFilter", "headerFilter",
    "responseFlagFilter", "grpcStatusFilter")]
public sealed record AccessLogFilter
{
    public StatusCodeFilter? StatusCodeFilter { get; init; }

    public DurationFilter? DurationFilter { get; init; }

    public AccessLogFilterList? AndFilter { get; init; }

    public AccessLogFilterList? OrFilter { get; init; }
}

public sealed record AccessLogFilterList
{
    public IReadOnlyList<AccessLogFilter> Filters { get; init; } = [];
}

/// <summary>Keeps requests whose response status compares true (Envoy's status_code_filter).</summary>
public sealed record StatusCodeFilter
{
    [RequiredField]
    public ComparisonFilter? Comparison { get; init; }
}

/// <summary>Keeps requests whose duration in milliseconds compares true (Envoy's duration_filter).</summary>
public sealed record DurationFilter
{
    [RequiredField]
    public ComparisonFilter? Comparison { get; init; }
}

public sealed record ComparisonFilter
{
    public ComparisonOp Op { get; init; } = ComparisonOp.EQ;

    [RequiredField]
    public RuntimeUInt32? Value { get; init; }
}

public enum ComparisonOp
{
    EQ,
    GE,
    LE,
}

/// <summary>Envoy's RuntimeUInt32: Sluice has no runtime layer, so <c>runtimeKey</c> is accepted and the default used.</summary>
public sealed record RuntimeUInt32
{
    public uint DefaultValue { get; init; }

    public string? RuntimeKey { get; init; }
}
