using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using Microsoft.AspNetCore.Http;
using Sluice.EndToEnd.Tests.Harness;
using Sluice.EndToEnd.Tests.Resilience.Retries;
using Sluice.EndToEnd.Tests.Routing.Support;
using Sluice.Gateway.DataPlane;

namespace Sluice.EndToEnd.Tests.Resilience.Shadowing;

/// <summary><c>shadowing</c>: copies of requests go to a shadow upstream, and nothing the shadow does reaches the client.</summary>
public sealed class ShadowingTests
{
    [Fact]
    public async Task Requests_AreMirrored_WithTheRewrittenPath_AndAShadowHost_WhileThePrimaryAnswers()
    {
        await using var primary = await FaultyBackend.EchoAsync("primary");
        await using var shadow = await RecordingShadow.StartAsync();
        await using var gateway = await GatewayFixture.StartAsync(g =>
        {
            g.WriteFile("upstreams.yaml", RouteYaml.Upstream("primary", primary.Port) + "---\n" + RouteYaml.Upstream("shadow", shadow.Port));
            g.WriteFile("vs.yaml", RouteYaml.VirtualService("vs",
                RouteYaml.Route("prefix: /api", "primary", options: """
                    prefixRewrite: /v2
                    shadowing:
                      upstream: {name: shadow, namespace: default}
                      percentage: 100
                    """),
                domains: ["shop.example.com"]));
        });
        using var client = gateway.CreateClient();

        for (var i = 0; i < 5; i++)
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, $"/api/items/{i}?q=1") { Headers = { Host = "shop.example.com" } };
            request.Headers.Add("x-trace", $"t{i}");
            using var response = await client.SendAsync(request);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal("primary", (await response.Content.ReadFromJsonAsync<EchoResponse>(EchoResponse.JsonOptions))!.Backend);
        }

        var copies = await shadow.WaitForAsync(5);
        Assert.Equal(5, primary.Calls);
        Assert.All(copies, copy => Assert.Equal("GET", copy.Method));
        Assert.Equal(Enumerable.Range(0, 5).Select(i => $"/v2/items/{i}?q=1").Order(), copies.Select(c => c.Target).Order());
        Assert.All(copies, copy => Assert.Equal("shop.example.com-shadow", copy.Host));
        Assert.Equal(Enumerable.Range(0, 5).Select(i => $"t{i}").Order(), copies.Select(c => c.Headers["x-trace"]).Order());
    }

    [Fact]
    public async Task SmallJsonPost_IsMirroredWithItsBody()
    {
        await using var primary = await FaultyBackend.EchoAsync("primary");
        await using var shadow = await RecordingShadow.StartAsync();
        await using var gateway = await GatewayFixture.StartAsync(g =>
        {
            g.WriteFile("upstreams.yaml", RouteYaml.Upstream("primary", primary.Port) + "---\n" + RouteYaml.Upstream("shadow", shadow.Port));
            g.WriteFile("vs.yaml", RouteYaml.VirtualService("vs",
                RouteYaml.Route("prefix: /", "primary", options: "shadowing: {upstream: {name: shadow}, percentage: 100}")));
        });
        using var client = gateway.CreateClient();

        const string Json = "{\"order\":42,\"items\":[1,2,3]}";
        using var response = await client.PostAsync("/orders", new StringContent(Json, Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(Json, (await response.Content.ReadFromJsonAsync<EchoResponse>(EchoResponse.JsonOptions))!.Body);

        var copy = Assert.Single(await shadow.WaitForAsync(1));
        Assert.Equal("POST", copy.Method);
        Assert.Equal(Json, copy.Body);
        Assert.Equal("application/json; charset=utf-8", copy.Headers["content-type"]);
        Assert.Equal(Json.Length.ToString(System.Globalization.CultureInfo.InvariantCulture), copy.Headers["content-length"]);
    }

    [Fact]
    public async Task HangingShadow_DoesNotSlowThePrimary()
    {
        await using var primary = await FaultyBackend.EchoAsync("primary");
        await using var shadow = await RecordingShadow.StartAsync(hang: true);
        await using var gateway = await GatewayFixture.StartAsync(g =>
        {
            g.WriteFile("upstreams.yaml", RouteYaml.Upstream("primary", primary.Port) + "---\n" + RouteYaml.Upstream("shadow", shadow.Port));
            g.WriteFile("vs.yaml", RouteYaml.VirtualService("vs",
                RouteYaml.Route("prefix: /", "primary", options: "timeout: 3s\nshadowing: {upstream: {name: shadow}, percentage: 100}")));
        });
        using var client = gateway.CreateClient();

        var slowest = TimeSpan.Zero;
        for (var i = 0; i < 20; i++)
        {
            var watch = Stopwatch.StartNew();
            using var response = await client.PostAsync($"/{i}", new StringContent($"{{\"n\":{i}}}", Encoding.UTF8, "application/json"));
            watch.Stop();
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            slowest = watch.Elapsed > slowest ? watch.Elapsed : slowest;
        }

        // The shadow received the copies and answers none of them; the client never waited for it.
        Assert.Equal(20, (await shadow.WaitForAsync(20)).Count);
        Assert.True(slowest < TimeSpan.FromSeconds(1), $"slowest primary request took {slowest} while the shadow hangs");
    }

    [Fact]
    public async Task FailingShadow_NeverChangesThePrimaryResponse_AndAMissingShadowUpstreamIsRejectedAtLoad()
    {
        await using var primary = await FaultyBackend.EchoAsync("primary");
        var deadPort = FreePort.Next();
        await using var gateway = await GatewayFixture.StartAsync(g =>
        {
            g.WriteFile("upstreams.yaml", RouteYaml.Upstream("primary", primary.Port) + "---\n" + RouteYaml.Upstream("dead", deadPort));
            g.WriteFile("vs.yaml", RouteYaml.VirtualService("vs",
                RouteYaml.Route("prefix: /dead", "primary", options: "shadowing: {upstream: {name: dead}, percentage: 100}")));
            g.WriteFile("missing.yaml", RouteYaml.VirtualService("missing",
                RouteYaml.Route("prefix: /missing", "primary", options: "shadowing: {upstream: {name: nowhere, namespace: elsewhere}, percentage: 100}"),
                ["missing.example.com"]));
        });
        using var client = gateway.CreateClient();

        for (var i = 0; i < 5; i++)
        {
            using var dead = await client.GetAsync("/dead");
            Assert.Equal(HttpStatusCode.OK, dead.StatusCode);
        }

        Assert.Equal(5, primary.Calls);

        // A shadow Upstream that does not exist is a reference error like any other: that VirtualService alone is rejected.
        var status = await gateway.GetStatusAsync("VirtualService", "missing");
        Assert.Equal("Rejected", status.GetProperty("status").GetString());
        var reason = status.GetProperty("reasons")[0];
        Assert.EndsWith(".options.shadowing.upstream", reason.GetProperty("field").GetString(), StringComparison.Ordinal);
        Assert.Contains("Upstream elsewhere/nowhere does not exist", reason.GetProperty("message").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task ZeroPercent_MirrorsNothing_AndLargeStreamedBodies_AreNotMirrored()
    {
        await using var primary = await FaultyBackend.EchoAsync("primary");
        await using var shadow = await RecordingShadow.StartAsync();
        await using var gateway = await GatewayFixture.StartAsync(g =>
        {
            g.WriteFile("upstreams.yaml", RouteYaml.Upstream("primary", primary.Port) + "---\n" + RouteYaml.Upstream("shadow", shadow.Port));
            g.WriteFile("vs.yaml", RouteYaml.VirtualService("vs",
                RouteYaml.Route("prefix: /never", "primary", options: "shadowing: {upstream: {name: shadow}, percentage: 0}") +
                RouteYaml.Route("prefix: /", "primary", options: "shadowing: {upstream: {name: shadow}, percentage: 100}")));
        });
        using var client = gateway.CreateClient();

        for (var i = 0; i < 5; i++)
        {
            using var never = await client.GetAsync("/never");
            Assert.Equal(HttpStatusCode.OK, never.StatusCode);
        }

        // A streamed upload of unknown length is forwarded, not mirrored (the copy would need the whole body held).
        var upload = new byte[100_000];
        using var streamed = await client.PostAsync("/upload", new Filters.BufferLimits.StreamedContent(upload, pieceSize: 10_000));
        Assert.Equal(HttpStatusCode.OK, streamed.StatusCode);

        // A request that is mirrored, sent last: once it arrived, nothing else is on its way.
        using var marker = await client.GetAsync("/marker");
        Assert.Equal("/marker", Assert.Single(await shadow.WaitForAsync(1)).Target);
        await Task.Delay(200);
        Assert.Single(shadow.Received);
    }

    [Theory]
    [InlineData("shop.example.com", "shop.example.com-shadow")]
    [InlineData("shop.example.com:8080", "shop.example.com-shadow:8080")]
    [InlineData("127.0.0.1:1234", "127.0.0.1-shadow:1234")]
    [InlineData("[::1]:443", "[::1]-shadow:443")]
    [InlineData("[::1]", "[::1]-shadow")]
    public void ShadowHost_AppendsEnvoysSuffixBeforeThePort(string host, string expected) => Assert.Equal(expected, ShadowSender.ShadowHost(host));

    /// <summary>A shadow backend that records every request it gets, and either answers at once or never.</summary>
    private sealed class RecordingShadow : IAsyncDisposable
    {
        private readonly ConcurrentQueue<Copy> _received = new();
        private TestBackend _backend = null!;

        public int Port => _backend.Port;

        public IReadOnlyCollection<Copy> Received => _received;

        public static async Task<RecordingShadow> StartAsync(bool hang = false)
        {
            var shadow = new RecordingShadow();
            shadow._backend = await TestBackend.StartAsync("shadow", async context =>
            {
                var body = await new StreamReader(context.Request.Body).ReadToEndAsync();
                shadow._received.Enqueue(new Copy(
                    context.Request.Method,
                    context.Request.Path + context.Request.QueryString,
                    context.Request.Host.Value ?? string.Empty,
                    context.Request.Headers.ToDictionary(h => h.Key.ToLowerInvariant(), h => h.Value.ToString()),
                    body));
                if (hang)
                {
                    try
                    {
                        await Task.Delay(Timeout.Infinite, context.RequestAborted);
                    }
                    catch (OperationCanceledException)
                    {
                    }

                    return;
                }

                context.Response.StatusCode = StatusCodes.Status500InternalServerError;
                await context.Response.WriteAsync("the shadow's answer must never reach a client");
            });
            return shadow;
        }

        public async Task<IReadOnlyList<Copy>> WaitForAsync(int count)
        {
            var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
            while (_received.Count < count && DateTime.UtcNow < deadline)
            {
                await Task.Delay(20);
            }

            Assert.True(_received.Count >= count, $"the shadow received {_received.Count} of {count} copies");
            return [.. _received];
        }

        public ValueTask DisposeAsync() => _backend.DisposeAsync();

        public sealed record Copy(string Method, string Target, string Host, Dictionary<string, string> Headers, string Body);
    }
}
