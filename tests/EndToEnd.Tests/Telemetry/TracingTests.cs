using System.Collections.Concurrent;
using System.Net;
using Microsoft.AspNetCore.Http;
using Sluice.EndToEnd.Tests.Harness;

namespace Sluice.EndToEnd.Tests.Telemetry;

[Collection(TelemetryCollection.Name)]
public sealed class TracingTests
{
    private const string ClientTraceId = "4bf92f3577b34da6a3ce929d0e0e4736";
    private const string ClientSpanId = "00f067aa0ba902b7";

    [Fact]
    public async Task Backend_ContinuesTheClientsTrace_AsAChildOfTheGatewaysSpan()
    {
        var seen = new ConcurrentQueue<string>();
        await using var backend = await TestBackend.StartAsync("app", context => Record(context, seen));
        await using var gateway = await StartAsync(backend.Port);
        using var client = gateway.CreateClient();

        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/x");
        request.Headers.TryAddWithoutValidation("traceparent", $"00-{ClientTraceId}-{ClientSpanId}-01");
        request.Headers.TryAddWithoutValidation("tracestate", "vendor=abc");
        Assert.Equal(HttpStatusCode.OK, (await client.SendAsync(request)).StatusCode);

        var forwarded = Assert.Single(seen);
        var parts = forwarded.Split('-');
        Assert.Equal(4, parts.Length);
        Assert.Equal("00", parts[0]);
        Assert.Equal(ClientTraceId, parts[1]);
        Assert.NotEqual(ClientSpanId, parts[2]);
        Assert.Equal("01", parts[3]);
    }

    [Fact]
    public async Task Backend_GetsANewTrace_WhenTheClientSentNone()
    {
        var seen = new ConcurrentQueue<string>();
        await using var backend = await TestBackend.StartAsync("app", context => Record(context, seen));
        await using var gateway = await StartAsync(backend.Port);
        using var client = gateway.CreateClient();

        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/api/1")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/api/2")).StatusCode);

        var traces = seen.Select(t => t.Split('-')).ToArray();
        Assert.Equal(2, traces.Length);
        Assert.All(traces, t => Assert.Matches("^[0-9a-f]{32}$", t[1]));
        Assert.All(traces, t => Assert.NotEqual(new string('0', 32), t[1]));
        Assert.NotEqual(traces[0][1], traces[1][1]);
    }

    [Fact]
    public async Task Retries_AreDistinctSpans_InTheSameTrace()
    {
        var seen = new ConcurrentQueue<string>();
        var calls = 0;
        await using var backend = await TestBackend.StartAsync("app", context =>
        {
            seen.Enqueue(context.Request.Headers["traceparent"].ToString());
            context.Response.StatusCode = Interlocked.Increment(ref calls) <= 2 ? 503 : 200;
            return Task.CompletedTask;
        });
        await using var gateway = await StartAsync(backend.Port, "retries: {retryOn: 5xx, numRetries: 3, retryBackOff: {baseInterval: 1ms, maxInterval: 2ms}}");
        using var client = gateway.CreateClient();

        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/retried");
        request.Headers.TryAddWithoutValidation("traceparent", $"00-{ClientTraceId}-{ClientSpanId}-01");
        Assert.Equal(HttpStatusCode.OK, (await client.SendAsync(request)).StatusCode);

        var attempts = seen.Select(t => t.Split('-')).ToArray();
        Assert.Equal(3, attempts.Length);
        Assert.All(attempts, a => Assert.Equal(ClientTraceId, a[1]));
        Assert.Equal(3, attempts.Select(a => a[2]).Distinct().Count());
    }

    [Fact]
    public async Task UnsampledParent_IsPropagatedUnsampled()
    {
        var seen = new ConcurrentQueue<string>();
        await using var backend = await TestBackend.StartAsync("app", context => Record(context, seen));
        await using var gateway = await StartAsync(backend.Port);
        using var client = gateway.CreateClient();

        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/x");
        request.Headers.TryAddWithoutValidation("traceparent", $"00-{ClientTraceId}-{ClientSpanId}-00");
        Assert.Equal(HttpStatusCode.OK, (await client.SendAsync(request)).StatusCode);

        var parts = Assert.Single(seen).Split('-');
        Assert.Equal(ClientTraceId, parts[1]);
        Assert.Equal("00", parts[3]);
    }

    private static Task Record(HttpContext context, ConcurrentQueue<string> seen)
    {
        // Exactly one traceparent: the gateway replaces the client's, never adds a second.
        var values = context.Request.Headers["traceparent"];
        seen.Enqueue(values.Count == 1 ? values[0]! : $"count={values.Count}");
        return Task.CompletedTask;
    }

    private static Task<GatewayFixture> StartAsync(int backendPort, string routeOptions = "") => GatewayFixture.StartAsync(
        g =>
        {
            g.WriteFile("gateway.yaml", TelemetryYaml.Gateway(g.HttpPort));
            g.WriteFile("upstreams.yaml", TelemetryYaml.Upstream("app", backendPort));
            g.WriteFile("vs.yaml", TelemetryYaml.VirtualService(TelemetryYaml.Route("api", "/api", "app", routeOptions)));
        },
        defaultGateways: false);
}
