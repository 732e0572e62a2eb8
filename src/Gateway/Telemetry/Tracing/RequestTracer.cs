using System.Diagnostics;

namespace Sluice.Gateway.Telemetry.Tracing;

/// <summary>
/// Starts each request's trace in the mode <c>sluice run</c> was given. <b>Record</b> (an OTLP endpoint is set): real
/// spans through <see cref="GatewayTracing"/>, sampled and exported by OpenTelemetry. <b>Propagate</b> (the default,
/// nothing to export to): no span objects at all; the request keeps the client's trace id and sampled flag (or a new
/// trace id, sampled by the ratio) and each upstream attempt gets a fresh span id in its <c>traceparent</c>, which is
/// all a backend can observe of a span nobody records. <b>Off</b>: the client's headers pass untouched.
/// </summary>
internal sealed class RequestTracer(TelemetryOptions options)
{
    private readonly long _sampleBelow = (long)(Math.Clamp(options.TraceSamplingRatio, 0, 1) * long.MaxValue);

    public TraceMode Mode { get; } = !options.TracingEnabled ? TraceMode.Off : options.OtlpEndpoint is null ? TraceMode.Propagate : TraceMode.Record;

    public RequestTrace Begin(HttpContext context)
    {
        switch (Mode)
        {
            case TraceMode.Record:
                return new RequestTrace(GatewayTracing.StartRequest(context), default);
            case TraceMode.Propagate:
                var headers = context.Request.Headers;
                var parent = headers.TraceParent;
                if (parent.Count == 1 && ActivityContext.TryParse(parent[0], headers.TraceState.Count == 1 ? headers.TraceState[0] : null, isRemote: true, out var remote))
                {
                    return new RequestTrace(null, remote);
                }

                var traceId = ActivityTraceId.CreateRandom();
                return new RequestTrace(null, new ActivityContext(traceId, default, Sampled(traceId) ? ActivityTraceFlags.Recorded : ActivityTraceFlags.None));
            default:
                return default;
        }
    }

    /// <summary>OpenTelemetry's TraceIdRatioBased decision, so the same ratio samples the same traces in both modes.</summary>
    private bool Sampled(ActivityTraceId traceId)
    {
        Span<byte> bytes = stackalloc byte[16];
        traceId.CopyTo(bytes);
        var low = System.Buffers.Binary.BinaryPrimitives.ReadInt64BigEndian(bytes[8..]);
        return Math.Abs(low == long.MinValue ? long.MaxValue : low) < _sampleBelow || _sampleBelow == long.MaxValue;
    }
}

internal enum TraceMode
{
    Off,
    Propagate,
    Record,
}

/// <summary>One request's trace: its span when recording, else the context it propagates (default when off).</summary>
internal readonly record struct RequestTrace(Activity? Activity, ActivityContext Propagated)
{
    public ActivityTraceId TraceId => Activity?.TraceId ?? Propagated.TraceId;
}
