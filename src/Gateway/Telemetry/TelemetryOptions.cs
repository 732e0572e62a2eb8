namespace Sluice.Gateway.Telemetry;

/// <summary>What <c>sluice run</c> was told about tracing (metrics and access logs need no flags).</summary>
internal sealed record TelemetryOptions
{
    /// <summary>Spans and W3C trace context propagation; off leaves the client's trace headers untouched.</summary>
    public bool TracingEnabled { get; init; } = true;

    /// <summary>Fraction of new traces recorded (0 to 1); a request with a parent follows the parent's decision.</summary>
    public double TraceSamplingRatio { get; init; } = 1.0;

    /// <summary>Where spans are sent over OTLP; null sends none (context is still propagated).</summary>
    public Uri? OtlpEndpoint { get; init; }

    /// <summary>OTLP over <c>grpc</c> (default, port 4317) or <c>http/protobuf</c> (port 4318, path <c>/v1/traces</c>).</summary>
    public string OtlpProtocol { get; init; } = "grpc";
}
