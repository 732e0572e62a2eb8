using System.Collections.Concurrent;
using System.Net;
using Microsoft.Extensions.Logging;
using Sluice.EndToEnd.Tests.Harness;
using Sluice.Gateway;
using Sluice.Gateway.Telemetry;

namespace Sluice.EndToEnd.Tests.Telemetry;

[Collection(TelemetryCollection.Name)]
public sealed class OtlpExportTests
{
    [Fact]
    public async Task Spans_AreExportedOverOtlp_WhenAnEndpointIsConfigured()
    {
        var (exports, propagated) = await RunAsync(samplingRatio: 1.0);
        Assert.Equal(3, propagated.Count);
        Assert.True(exports.Count > 0, "the OTLP receiver got no export");
        Assert.All(exports, e => Assert.Equal("POST /v1/traces application/x-protobuf", e));
    }

    [Fact]
    public async Task SamplingRatioZero_ExportsNothing_ButStillPropagatesContext()
    {
        var (exports, propagated) = await RunAsync(samplingRatio: 0);
        Assert.Equal(3, propagated.Count);
        Assert.All(propagated, p => Assert.EndsWith("-00", p));
        Assert.Empty(exports);
    }

    private static async Task<(List<string> Exports, List<string> Propagated)> RunAsync(double samplingRatio)
    {
        var exports = new ConcurrentQueue<string>();
        var propagated = new ConcurrentQueue<string>();
        await using var collector = await TestBackend.StartAsync("otlp", context =>
        {
            exports.Enqueue($"{context.Request.Method} {context.Request.Path} {context.Request.ContentType}");
            context.Response.ContentType = "application/x-protobuf";
            return Task.CompletedTask;
        });
        await using var backend = await TestBackend.StartAsync("app", context =>
        {
            propagated.Enqueue(context.Request.Headers["traceparent"].ToString());
            return Task.CompletedTask;
        });

        var root = Directory.CreateTempSubdirectory("sluice-otlp-").FullName;
        var config = Directory.CreateDirectory(Path.Combine(root, "config")).FullName;
        var port = FreePort.Next();
        File.WriteAllText(Path.Combine(config, "gateway.yaml"), TelemetryYaml.Gateway(port));
        File.WriteAllText(Path.Combine(config, "upstreams.yaml"), TelemetryYaml.Upstream("app", backend.Port));
        File.WriteAllText(Path.Combine(config, "vs.yaml"), TelemetryYaml.VirtualService(TelemetryYaml.Route("api", "/", "app")));
        var options = new GatewayRunOptions
        {
            ConfigPaths = [config],
            StateDirectory = Path.Combine(root, "state"),
            AdminEndpoint = new IPEndPoint(IPAddress.Loopback, FreePort.Next()),
            DrainTimeout = TimeSpan.FromSeconds(2),
            Telemetry = new TelemetryOptions { TraceSamplingRatio = samplingRatio, OtlpEndpoint = new Uri($"http://127.0.0.1:{collector.Port}"), OtlpProtocol = "http/protobuf" },
        };
        try
        {
            var app = GatewayHost.Build(options, logging => logging.SetMinimumLevel(LogLevel.Warning));
            await app.StartAsync();
            using (var client = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}") })
            {
                for (var i = 0; i < 3; i++)
                {
                    Assert.Equal(HttpStatusCode.OK, (await client.GetAsync($"/item/{i}")).StatusCode);
                }
            }

            // Stopping flushes the batch of spans not yet sent.
            await app.StopAsync();
            await app.DisposeAsync();
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }

        return ([.. exports], [.. propagated]);
    }
}
