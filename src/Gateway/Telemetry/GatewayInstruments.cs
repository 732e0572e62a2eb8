using System.Diagnostics.Metrics;

namespace Sluice.Gateway.Telemetry;

/// <summary>
/// The instruments other parts of the gateway listen to (the Prometheus exporter, the dashboard's rolling
/// windows). Every Sluice meter is named <c>Sluice.*</c> so one exporter registration picks them all up.
/// Tag values come from configuration names (virtual service, route, upstream, endpoint address), never from raw
/// request data, so the number of series is bounded by the configuration.
/// </summary>
public static class GatewayInstruments
{
    public const string MeterName = "Sluice.Gateway";

    /// <summary>Every Sluice meter matches this wildcard (e.g. <c>Sluice.Wasm</c>, <c>Sluice.Kubernetes</c>).</summary>
    public const string MeterWildcard = "Sluice.*";

    public const string RequestsName = "sluice.requests";

    public static readonly Meter Meter = new(MeterName);

    /// <summary>
    /// One per completed downstream request, with the tags <c>virtual_host</c>, <c>route</c>, <c>upstream</c> and
    /// <c>status_class</c> (<c>1xx</c>…<c>5xx</c>). Tag values come from configuration names, never from raw paths.
    /// </summary>
    public static readonly Counter<long> Requests = Meter.CreateCounter<long>(RequestsName, unit: "{request}", description: "Completed downstream requests.");

    /// <summary>Seconds from the first byte of the request to the end of the response; same tags as <see cref="Requests"/>.</summary>
    public static readonly Histogram<double> RequestDuration = Meter.CreateHistogram(
        "sluice.request.duration",
        unit: "s",
        description: "Downstream request duration.",
        tags: null,
        advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30] });

    /// <summary>Request body bytes received from the client; same tags as <see cref="Requests"/>.</summary>
    public static readonly Histogram<long> RequestSize = Meter.CreateHistogram(
        "sluice.request.body.size",
        unit: "By",
        description: "Downstream request body size.",
        tags: null,
        advice: new InstrumentAdvice<long> { HistogramBucketBoundaries = SizeBuckets });

    /// <summary>Response body bytes sent to the client; same tags as <see cref="Requests"/>.</summary>
    public static readonly Histogram<long> ResponseSize = Meter.CreateHistogram(
        "sluice.response.body.size",
        unit: "By",
        description: "Downstream response body size.",
        tags: null,
        advice: new InstrumentAdvice<long> { HistogramBucketBoundaries = SizeBuckets });

    /// <summary>Attempts sent to an upstream (retries included), by <c>upstream</c>.</summary>
    public static readonly Counter<long> UpstreamAttempts = Meter.CreateCounter<long>("sluice.upstream.attempts", unit: "{attempt}", description: "Requests sent to upstream endpoints, retries included.");

    /// <summary>
    /// Attempts that got no response, by <c>upstream</c> and <c>reason</c>: <c>connect_failure</c> (the connection
    /// could not be made), <c>reset</c> (the upstream closed or reset it), <c>timeout</c> (per-try or route timeout).
    /// </summary>
    public static readonly Counter<long> UpstreamFailures = Meter.CreateCounter<long>("sluice.upstream.failures", unit: "{attempt}", description: "Upstream attempts that got no response.");

    /// <summary>Retries started, by <c>upstream</c>.</summary>
    public static readonly Counter<long> UpstreamRetries = Meter.CreateCounter<long>("sluice.upstream.retries", unit: "{retry}", description: "Retries sent to an upstream.");

    /// <summary>Requests answered 504 because the route or per-try timeout expired, by <c>upstream</c>.</summary>
    public static readonly Counter<long> UpstreamTimeouts = Meter.CreateCounter<long>("sluice.upstream.timeouts", unit: "{request}", description: "Requests that timed out waiting for an upstream.");

    /// <summary>Requests or retries a circuit breaker refused, by <c>upstream</c> and <c>breaker</c> (<c>maxRequests</c>, <c>maxPendingRequests</c>, <c>maxRetries</c>).</summary>
    public static readonly Counter<long> UpstreamOverflows = Meter.CreateCounter<long>("sluice.upstream.overflows", unit: "{request}", description: "Requests or retries refused by a circuit breaker.");

    /// <summary>Outlier-detection ejections, by <c>upstream</c>.</summary>
    public static readonly Counter<long> UpstreamEjections = Meter.CreateCounter<long>("sluice.upstream.ejections", unit: "{ejection}", description: "Endpoints ejected by outlier detection.");

    /// <summary>Requests answered 503 because the upstream had no endpoint to take them, by <c>upstream</c>.</summary>
    public static readonly Counter<long> UpstreamNoHealthy = Meter.CreateCounter<long>("sluice.upstream.no_healthy", unit: "{request}", description: "Requests refused because the upstream had no available endpoint.");

    /// <summary>Configuration reloads, by <c>result</c> (<c>applied</c>, <c>failed</c>).</summary>
    public static readonly Counter<long> ConfigReloads = Meter.CreateCounter<long>("sluice.config.reloads", unit: "{reload}", description: "Configuration reloads.");

    /// <summary>Seconds one reload took (scan, validate, translate, swap).</summary>
    public static readonly Histogram<double> ConfigReloadDuration = Meter.CreateHistogram(
        "sluice.config.reload.duration",
        unit: "s",
        description: "Configuration reload duration.",
        tags: null,
        advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.001, 0.005, 0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10] });

    /// <summary>Access log lines dropped because the writer fell behind (the request path never waits for it).</summary>
    public static readonly Counter<long> AccessLogDropped = Meter.CreateCounter<long>("sluice.access_log.dropped", unit: "{line}", description: "Access log lines dropped because the writer could not keep up.");

    private static long[] SizeBuckets => [0, 256, 1024, 4096, 16384, 65536, 262144, 1048576, 4194304, 16777216];
}
