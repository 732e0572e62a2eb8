using System.Diagnostics;
using BenchmarkDotNet.Attributes;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging.Abstractions;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using Sluice.Discovery.Model;
using Sluice.Filters;
using Sluice.Gateway.Telemetry;
using Sluice.Gateway.Telemetry.AccessLogs;
using Sluice.Gateway.Telemetry.Tracing;

namespace Sluice.Benchmarks;

/// <summary>
/// What telemetry adds to each request: the end-of-request measurement (four instruments with the four route tags,
/// under a real OpenTelemetry meter provider), the access log record handed to the background writer, and W3C
/// context propagation without span objects. Run with <c>dotnet run -c Release -- --filter '*Telemetry*'</c>.
/// </summary>
[MemoryDiagnoser]
public class TelemetryBenchmarks
{
    private MeterProvider _meters = null!;
    private AccessLogWriter _writer = null!;
    private RequestTelemetry _telemetry = null!;
    private RequestTracer _tracer = null!;
    private AccessLogPolicy _accessLog = null!;
    private DefaultHttpContext _context = null!;
    private ProxyExchange _exchange = null!;
    private HttpRequestMessage _upstreamRequest = null!;

    [GlobalSetup]
    public void Setup()
    {
        _meters = Sdk.CreateMeterProviderBuilder()
            .AddMeter(GatewayInstruments.MeterWildcard)
            .AddReader(new BaseExportingMetricReader(new DiscardingExporter()))
            .Build()!;
        _writer = new AccessLogWriter(NullLogger<AccessLogWriter>.Instance);
        _writer.StartAsync(CancellationToken.None).GetAwaiter().GetResult();
        _telemetry = new RequestTelemetry(_writer);
        _tracer = new RequestTracer(new TelemetryOptions());
        _accessLog = AccessLogPolicy.Compile(new ListenerOptions
        {
            AccessLoggingService = new AccessLoggingService { AccessLog = [new AccessLog { FileSink = new FileSink { Path = "/dev/null" } }] },
        })!;
        _context = new DefaultHttpContext();
        _context.Request.Method = "GET";
        _context.Request.Path = "/api/r19/b/3";
        _context.Request.Headers.UserAgent = "wrk";
        _context.Response.StatusCode = 200;
        _context.Response.ContentLength = 3;
        _exchange = new ProxyExchange(_context, "/api/r19/b/3", "route-19") { VirtualHostName = "default/vh49", UpstreamName = "default/backend" };
        _upstreamRequest = new HttpRequestMessage(HttpMethod.Get, "http://127.0.0.1/b/3");
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _writer.DisposeAsync().AsTask().GetAwaiter().GetResult();
        _meters.Dispose();
    }

    [Benchmark(Baseline = true)]
    public void CompleteRequest_Metrics() =>
        _telemetry.Completed(_context, Stopwatch.GetTimestamp(), null, "default/vh49", "route-19", _exchange, ResponseFlags.None, default);

    [Benchmark]
    public void CompleteRequest_MetricsAndAccessLog() =>
        _telemetry.Completed(_context, Stopwatch.GetTimestamp(), _accessLog, "default/vh49", "route-19", _exchange, ResponseFlags.None, default);

    [Benchmark]
    public void PropagateTraceContext()
    {
        var trace = _tracer.Begin(_context);
        GatewayTracing.Inject(_upstreamRequest, trace.Propagated);
    }

    private sealed class DiscardingExporter : BaseExporter<Metric>
    {
        public override ExportResult Export(in Batch<Metric> batch) => ExportResult.Success;
    }
}
