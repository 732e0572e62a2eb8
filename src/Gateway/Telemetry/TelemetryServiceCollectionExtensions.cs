using OpenTelemetry.Exporter;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;
using Sluice.Gateway.Telemetry.AccessLogs;
using Sluice.Gateway.Telemetry.Metrics;
using Sluice.Gateway.Telemetry.Tracing;

namespace Sluice.Gateway.Telemetry;

/// <summary>
/// Metrics (every <c>Sluice.*</c> meter, exported for Prometheus on the admin listener), tracing (parent-based ratio
/// sampling, OTLP when an endpoint is given) and the access log writer.
/// </summary>
internal static class TelemetryServiceCollectionExtensions
{
    public static IServiceCollection AddGatewayTelemetry(this IServiceCollection services, TelemetryOptions options)
    {
        services.AddSingleton(options);
        services.AddSingleton<AccessLogWriter>();
        services.AddHostedService(sp => sp.GetRequiredService<AccessLogWriter>());
        services.AddSingleton<RequestTelemetry>();
        services.AddSingleton<RequestTracer>();
        services.AddHostedService<GatewayStateGauges>();

        var telemetry = services.AddOpenTelemetry()
            .ConfigureResource(resource => resource.AddService("sluice"))
            .WithMetrics(metrics => metrics
                .AddMeter(GatewayInstruments.MeterWildcard)
                .AddPrometheusExporter());

        // Spans are only worth their cost when someone receives them; otherwise RequestTracer propagates context alone.
        if (options.TracingEnabled && options.OtlpEndpoint is not null)
        {
            telemetry.WithTracing(tracing =>
            {
                tracing.AddSource(GatewayTracing.SourceName)
                    .SetSampler(new ParentBasedSampler(new TraceIdRatioBasedSampler(options.TraceSamplingRatio)));
                if (options.OtlpEndpoint is { } endpoint)
                {
                    var http = options.OtlpProtocol == "http/protobuf";
                    tracing.AddOtlpExporter(otlp =>
                    {
                        // As with OTEL_EXPORTER_OTLP_ENDPOINT, a base URL gets the signal's path; an explicit path is kept.
                        otlp.Endpoint = http && endpoint.AbsolutePath == "/" ? new Uri(endpoint, "v1/traces") : endpoint;
                        otlp.Protocol = http ? OtlpExportProtocol.HttpProtobuf : OtlpExportProtocol.Grpc;
                    });
                }
            });
        }

        return services;
    }
}
