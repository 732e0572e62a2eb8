using System.CommandLine;
using System.Globalization;

namespace Sluice.Gateway.Telemetry;

/// <summary>The tracing flags of <c>sluice run</c>; metrics and access logs need none (admin /metrics, Gateway options).</summary>
internal static class TelemetryCliOptions
{
    public static readonly Option<string> OtlpEndpoint = new("--otlp-endpoint")
    {
        Description = "Send trace spans over OTLP to this URL (e.g. http://127.0.0.1:4317). Default: $OTEL_EXPORTER_OTLP_ENDPOINT, else none",
    };

    public static readonly Option<string> OtlpProtocol = new("--otlp-protocol")
    {
        Description = "grpc (default) or http/protobuf",
        DefaultValueFactory = _ => "grpc",
    };

    public static readonly Option<string> TraceSampling = new("--trace-sampling")
    {
        Description = "Fraction of new traces to record, 0 to 1 (a request with a traceparent follows its sampled flag). Default: 1",
        DefaultValueFactory = _ => "1",
    };

    public static readonly Option<bool> NoTracing = new("--no-tracing")
    {
        Description = "Create no spans and leave clients' traceparent headers untouched",
    };

    public static void AddTo(Command command)
    {
        command.Options.Add(OtlpEndpoint);
        command.Options.Add(OtlpProtocol);
        command.Options.Add(TraceSampling);
        command.Options.Add(NoTracing);
    }

    /// <summary>The options, or null with a message on <paramref name="error"/> for a bad value.</summary>
    public static TelemetryOptions? Parse(ParseResult parse, TextWriter error)
    {
        var sampling = parse.GetValue(TraceSampling)!;
        if (!double.TryParse(sampling, NumberStyles.Float, CultureInfo.InvariantCulture, out var ratio) || ratio is < 0 or > 1)
        {
            error.WriteLine($"--trace-sampling: '{sampling}' is not a number between 0 and 1");
            return null;
        }

        var protocol = parse.GetValue(OtlpProtocol)!;
        if (protocol is not ("grpc" or "http/protobuf"))
        {
            error.WriteLine($"--otlp-protocol: '{protocol}' is not grpc or http/protobuf");
            return null;
        }

        var endpointText = parse.GetValue(OtlpEndpoint) ?? Environment.GetEnvironmentVariable("OTEL_EXPORTER_OTLP_ENDPOINT");
        Uri? endpoint = null;
        if (!string.IsNullOrEmpty(endpointText) && (!Uri.TryCreate(endpointText, UriKind.Absolute, out endpoint) || endpoint.Scheme is not ("http" or "https")))
        {
            error.WriteLine($"--otlp-endpoint: '{endpointText}' is not an http:// or https:// URL");
            return null;
        }

        return new TelemetryOptions
        {
            TracingEnabled = !parse.GetValue(NoTracing),
            TraceSamplingRatio = ratio,
            OtlpEndpoint = endpoint,
            OtlpProtocol = protocol,
        };
    }
}
