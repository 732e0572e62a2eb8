using System.Diagnostics;
using System.Net;
using Sluice.Filters;

namespace Sluice.Gateway.Telemetry.AccessLogs;

/// <summary>
/// What one finished request leaves for the access log, captured on the request path as references and numbers only;
/// the background writer filters and formats it. Strings here are immutable values the request already had.
/// </summary>
internal readonly record struct AccessLogRecord
{
    public required AccessLogPolicy Policy { get; init; }

    public required DateTime EndTime { get; init; }

    public required long DurationTicks { get; init; }

    public required string Method { get; init; }

    public required string? Path { get; init; }

    public required string? Query { get; init; }

    public required string? Authority { get; init; }

    public required string Protocol { get; init; }

    public required int Status { get; init; }

    public required ResponseFlags Flags { get; init; }

    public required long BytesReceived { get; init; }

    public required long BytesSent { get; init; }

    public required string? UpstreamHost { get; init; }

    public required string? UpstreamCluster { get; init; }

    /// <summary>Stopwatch ticks to the upstream's response headers; 0 when no upstream answered.</summary>
    public required long UpstreamServiceTicks { get; init; }

    public required string Route { get; init; }

    public required string VirtualHost { get; init; }

    public required ActivityTraceId TraceId { get; init; }

    public required IPAddress? ClientAddress { get; init; }

    public required int ClientPort { get; init; }

    public required string? UserAgent { get; init; }

    public required string? RequestId { get; init; }

    /// <summary>Values of <see cref="AccessLogPolicy.CapturedHeaders"/>, for formats that print other request headers.</summary>
    public required string?[]? Headers { get; init; }

    public double DurationMilliseconds => DurationTicks * 1000.0 / Stopwatch.Frequency;

    public DateTime StartTime => EndTime - TimeSpan.FromTicks((long)(DurationTicks * ((double)TimeSpan.TicksPerSecond / Stopwatch.Frequency)));
}
