using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using Microsoft.AspNetCore.Http;
using Sluice.EndToEnd.Tests.Harness;
using Sluice.EndToEnd.Tests.Routing.Support;

namespace Sluice.EndToEnd.Tests.Resilience.Retries;

/// <summary>
/// <c>retries</c> against real faulty backends on loopback: failed attempts are retried on another endpoint while the
/// client has seen nothing, and never once the response started.
/// </summary>
public sealed class RetryTests
{
    [Fact]
    public async Task BackendFailingHalfTheTime_WithRetriesOn5xx_EveryClientRequestSucceeds()
    {
        await using var flaky = await FaultyBackend.FailingOnceAsync("flaky");
        await using var gateway = await GatewayFixture.StartAsync(g =>
        {
            // Up to 30 retries at once: above Envoy's default retry budget of 3 (see the budget test below).
            g.WriteFile("upstreams.yaml", RouteYaml.Upstream("flaky", [flaky.Port], extraSpec: "circuitBreakers: {maxRetries: 100}"));
            g.WriteFile("vs.yaml", RouteYaml.VirtualService("vs",
                RouteYaml.Route("prefix: /retried", "flaky", options: "retries: {retryOn: 5xx, numRetries: 3}") +
                RouteYaml.Route("prefix: /plain", "flaky")));
        });
        using var client = gateway.CreateClient();

        // Without retries the backend's failures reach the client: the test's backend really fails half the time.
        var plain = await Task.WhenAll(Enumerable.Range(0, 20).Select(i => client.GetAsync($"/plain/{i}")));
        Assert.Equal(10, plain.Count(r => r.StatusCode == HttpStatusCode.ServiceUnavailable));

        var callsBefore = flaky.Calls;
        var retried = await Task.WhenAll(Enumerable.Range(0, 60).Select(i => client.GetAsync($"/retried/{i}")));
        Assert.All(retried, r => Assert.Equal(HttpStatusCode.OK, r.StatusCode));
        foreach (var response in retried)
        {
            Assert.Equal("flaky", (await response.Content.ReadFromJsonAsync<EchoResponse>(EchoResponse.JsonOptions))!.Backend);
        }

        // Every 503 the backend gave was retried once: 60 requests, 30 failures, 90 calls.
        Assert.Equal(90, flaky.Calls - callsBefore);
    }

    [Fact]
    public async Task RetryBudgetExhausted_ReturnsTheLastFailure_MarkedAsOverflow()
    {
        // First attempts fail at once; retries succeed slowly, so 20 of them would be in flight together.
        await using var flaky = await FaultyBackend.StartAsync("flaky", async (backend, context, call) =>
        {
            if (!context.Request.Headers.ContainsKey("x-envoy-attempt-count") || context.Request.Headers["x-envoy-attempt-count"] == "1")
            {
                context.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
                await context.Response.WriteAsync("first attempts fail");
                return;
            }

            await Task.Delay(500);
            await TestBackend.Echo(context, "flaky");
        });
        await using var gateway = await GatewayFixture.StartAsync(g =>
        {
            // No circuitBreakers: Envoy's default allows 3 retries in flight per upstream.
            g.WriteFile("upstreams.yaml", RouteYaml.Upstream("flaky", flaky.Port));
            g.WriteFile("vs.yaml", RouteYaml.VirtualService("vs",
                RouteYaml.Route("prefix: /", "flaky", options: "retries: {retryOn: 5xx, numRetries: 1}"),
                options: "includeRequestAttemptCount: true"));
        });
        using var client = gateway.CreateClient();

        var responses = await Task.WhenAll(Enumerable.Range(0, 20).Select(i => client.GetAsync($"/{i}")));

        var retried = responses.Count(r => r.StatusCode == HttpStatusCode.OK);
        var refused = responses.Where(r => r.StatusCode == HttpStatusCode.ServiceUnavailable).ToArray();
        Assert.Equal(20, retried + refused.Length);
        Assert.InRange(retried, 1, 10);

        // A refused retry returns the upstream's own failure, marked with the breaker that refused it.
        foreach (var response in refused)
        {
            Assert.Equal("first attempts fail", await response.Content.ReadAsStringAsync());
            Assert.True(response.Headers.Contains("x-sluice-overflow"), "a refused retry should say so");
        }

        Assert.Equal(20 + retried, flaky.Calls);
    }

    [Fact]
    public async Task EndpointAlwaysFailing_RetriesGoToTheOtherEndpoint()
    {
        await using var bad = await FaultyBackend.AlwaysUnavailableAsync("bad");
        await using var good = await FaultyBackend.EchoAsync("good");
        await using var gateway = await GatewayFixture.StartAsync(g =>
        {
            g.WriteFile("upstreams.yaml", RouteYaml.Upstream("pair", [bad.Port, good.Port]));
            g.WriteFile("vs.yaml", RouteYaml.VirtualService("vs",
                RouteYaml.Route("prefix: /", "pair", options: "retries: {retryOn: gateway-error, numRetries: 1}")));
        });
        using var client = gateway.CreateClient();

        const int Requests = 40;
        for (var i = 0; i < Requests; i++)
        {
            using var response = await client.GetAsync($"/item/{i}");
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }

        // One retry only: a request whose retry went back to the bad endpoint would have failed. Every request reached
        // the good endpoint exactly once, and the bad one was tried first for some of them.
        Assert.Equal(Requests, good.Calls);
        Assert.InRange(bad.Calls, 1, Requests);
    }

    [Fact]
    public async Task DeadPortEndpoint_ConnectFailureIsRetriedOnTheLiveOne_EvenForAPost()
    {
        var deadPort = FreePort.Next();
        await using var live = await FaultyBackend.EchoAsync("live");
        await using var gateway = await GatewayFixture.StartAsync(g =>
        {
            g.WriteFile("upstreams.yaml", RouteYaml.Upstream("half-dead", [deadPort, live.Port]));
            g.WriteFile("vs.yaml", RouteYaml.VirtualService("vs",
                RouteYaml.Route("prefix: /retried", "half-dead", options: "retries: {retryOn: connect-failure, numRetries: 1}") +
                RouteYaml.Route("prefix: /plain", "half-dead")));
        });
        using var client = gateway.CreateClient();

        var plain = new List<HttpStatusCode>();
        for (var i = 0; i < 10; i++)
        {
            plain.Add((await client.GetAsync("/plain")).StatusCode);
        }

        Assert.Contains(HttpStatusCode.BadGateway, plain);

        for (var i = 0; i < 20; i++)
        {
            using var get = await client.GetAsync("/retried/get");
            Assert.Equal(HttpStatusCode.OK, get.StatusCode);

            // A POST is not idempotent, but a connection that was never made never carried it.
            var json = $"{{\"order\":{i}}}";
            using var post = await client.PostAsync("/retried/post", new StringContent(json, Encoding.UTF8, "application/json"));
            Assert.Equal(HttpStatusCode.OK, post.StatusCode);
            Assert.Equal(json, (await post.Content.ReadFromJsonAsync<EchoResponse>(EchoResponse.JsonOptions))!.Body);
        }
    }

    [Fact]
    public async Task HangingEndpoint_PerTryTimeoutMovesTheRequestToTheOtherEndpoint_WellWithinTheRouteTimeout()
    {
        await using var hanging = await FaultyBackend.HangingAsync("hanging");
        await using var good = await FaultyBackend.EchoAsync("good");
        await using var gateway = await GatewayFixture.StartAsync(g =>
        {
            g.WriteFile("upstreams.yaml", RouteYaml.Upstream("pair", [hanging.Port, good.Port]));
            g.WriteFile("vs.yaml", RouteYaml.VirtualService("vs",
                RouteYaml.Route("prefix: /", "pair", options: """
                    timeout: 5s
                    retries:
                      retryOn: 5xx
                      numRetries: 2
                      perTryTimeout: 200ms
                    """)));
        });
        using var client = gateway.CreateClient();

        var slowest = TimeSpan.Zero;
        for (var i = 0; i < 8; i++)
        {
            var watch = Stopwatch.StartNew();
            using var response = await client.GetAsync($"/{i}");
            watch.Stop();
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            slowest = watch.Elapsed > slowest ? watch.Elapsed : slowest;
        }

        Assert.Equal(8, good.Calls);
        Assert.InRange(hanging.Calls, 1, 8);

        // A request that met the hanging endpoint waited one per-try timeout (200ms) and a back-off (< 25ms), not 5s.
        Assert.True(slowest < TimeSpan.FromSeconds(2), $"slowest request took {slowest}");
        Assert.True(slowest >= TimeSpan.FromMilliseconds(190), $"no request met the hanging endpoint's per-try timeout: slowest {slowest}");
    }

    [Fact]
    public async Task PerTryTimeoutOnTheLastAttempt_Is504_AndTheRouteTimeoutCapsAllAttempts()
    {
        await using var hanging = await FaultyBackend.HangingAsync("hanging");
        await using var gateway = await GatewayFixture.StartAsync(g =>
        {
            g.WriteFile("upstreams.yaml", RouteYaml.Upstream("hanging", hanging.Port));
            g.WriteFile("vs.yaml", RouteYaml.VirtualService("vs",
                RouteYaml.Route("prefix: /per-try", "hanging", options: """
                    timeout: 10s
                    retries: {retryOn: reset, numRetries: 1, perTryTimeout: 200ms}
                    """) +
                RouteYaml.Route("prefix: /route", "hanging", options: """
                    timeout: 700ms
                    retries: {retryOn: reset, numRetries: 10, perTryTimeout: 300ms}
                    """)));
        });
        using var client = gateway.CreateClient();

        var watch = Stopwatch.StartNew();
        using var perTry = await client.GetAsync("/per-try");
        var perTryElapsed = watch.Elapsed;
        Assert.Equal(HttpStatusCode.GatewayTimeout, perTry.StatusCode);
        Assert.Equal("upstream request timeout\n", await perTry.Content.ReadAsStringAsync());
        Assert.InRange(perTryElapsed, TimeSpan.FromMilliseconds(390), TimeSpan.FromSeconds(3));
        Assert.Equal(2, hanging.Calls);

        watch.Restart();
        using var route = await client.GetAsync("/route");
        var routeElapsed = watch.Elapsed;
        Assert.Equal(HttpStatusCode.GatewayTimeout, route.StatusCode);
        Assert.InRange(routeElapsed, TimeSpan.FromMilliseconds(690), TimeSpan.FromSeconds(3));

        // 300ms per attempt within 700ms: the route timeout ended the third attempt, not ten retries.
        Assert.InRange(hanging.Calls - 2, 2, 3);
    }

    [Theory]
    [InlineData("POST", "retryNonIdempotent: true")]
    [InlineData("PUT", "")]
    public async Task SmallJsonBody_IsReplayedOnTheSecondEndpoint(string method, string extraOption)
    {
        await using var bad = await FaultyBackend.AlwaysUnavailableAsync("bad");
        await using var good = await FaultyBackend.EchoAsync("good");
        await using var gateway = await GatewayFixture.StartAsync(g =>
        {
            g.WriteFile("upstreams.yaml", RouteYaml.Upstream("pair", [bad.Port, good.Port]));
            g.WriteFile("vs.yaml", RouteYaml.VirtualService("vs",
                RouteYaml.Route("prefix: /", "pair", options: $"retries: {{retryOn: 5xx, numRetries: 1{(extraOption.Length > 0 ? ", " + extraOption : string.Empty)}}}")));
        });
        using var client = gateway.CreateClient();

        var sent = new List<string>();
        for (var i = 0; i < 10; i++)
        {
            var json = $"{{\"order\":{i},\"items\":[\"{new string('x', 100 * i)}\"]}}";
            sent.Add(json);
            using var request = new HttpRequestMessage(new HttpMethod(method), "/orders") { Content = new StringContent(json, Encoding.UTF8, "application/json") };
            using var response = await client.SendAsync(request);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            var echo = (await response.Content.ReadFromJsonAsync<EchoResponse>(EchoResponse.JsonOptions))!;
            Assert.Equal(json, echo.Body);
            Assert.Equal(method, echo.Method);
            Assert.Equal(json.Length.ToString(System.Globalization.CultureInfo.InvariantCulture), echo.Headers["content-length"]);
        }

        // The bad endpoint was tried first for some requests and read their whole bodies; the good one got them again.
        Assert.NotEmpty(bad.Bodies);
        Assert.All(bad.Bodies, body => Assert.Contains(body, sent));
        Assert.Equal(10, good.Calls);
    }

    [Fact]
    public async Task PostWithoutRetryNonIdempotent_IsNotRetriedOnceTheUpstreamSawIt()
    {
        await using var bad = await FaultyBackend.AlwaysUnavailableAsync("bad");
        await using var good = await FaultyBackend.EchoAsync("good");
        await using var gateway = await GatewayFixture.StartAsync(g =>
        {
            g.WriteFile("upstreams.yaml", RouteYaml.Upstream("pair", [bad.Port, good.Port]));
            g.WriteFile("vs.yaml", RouteYaml.VirtualService("vs",
                RouteYaml.Route("prefix: /", "pair", options: "retries: {retryOn: 5xx, numRetries: 3}")));
        });
        using var client = gateway.CreateClient();

        var unavailable = 0;
        for (var i = 0; i < 10; i++)
        {
            using var response = await client.PostAsync("/orders", new StringContent("{\"order\":1}", Encoding.UTF8, "application/json"));
            unavailable += response.StatusCode == HttpStatusCode.ServiceUnavailable ? 1 : 0;
        }

        // Every POST that met the bad endpoint got its 503: none was sent a second time.
        Assert.True(unavailable > 0);
        Assert.Equal(unavailable, bad.Calls);
        Assert.Equal(10, bad.Calls + good.Calls);
    }

    [Fact]
    public async Task StreamedUploadLargerThanMaxReplayBytes_IsNotRetried_ButASmallOneIs()
    {
        await using var first = await FaultyBackend.AlwaysUnavailableAsync("first");
        await using var second = await FaultyBackend.AlwaysUnavailableAsync("second");
        await using var gateway = await GatewayFixture.StartAsync(g =>
        {
            g.WriteFile("upstreams.yaml", RouteYaml.Upstream("pair", [first.Port, second.Port]));
            g.WriteFile("vs.yaml", RouteYaml.VirtualService("vs",
                RouteYaml.Route("prefix: /", "pair", options: "retries: {retryOn: 5xx, numRetries: 1, retryNonIdempotent: true, maxReplayBytes: 4096}")));
        });
        using var client = gateway.CreateClient();

        var large = new byte[200_000];
        Random.Shared.NextBytes(large);
        using (var upload = await client.PostAsync("/upload", new Filters.BufferLimits.StreamedContent(large, pieceSize: 16_384)))
        {
            Assert.Equal(HttpStatusCode.ServiceUnavailable, upload.StatusCode);
        }

        Assert.Equal(1, first.Calls + second.Calls);
        Assert.Equal(large.Length, Assert.Single(first.Bodies.Concat(second.Bodies)).Length);

        // The same upload, small and declared, is held and sent to both endpoints.
        using (var small = await client.PostAsync("/upload", new ByteArrayContent(large[..1000])))
        {
            Assert.Equal(HttpStatusCode.ServiceUnavailable, small.StatusCode);
        }

        Assert.Equal(3, first.Calls + second.Calls);

        // A chunked body within the limit is of unknown length too: sent once.
        using (var chunkedSmall = await client.PostAsync("/upload", new Filters.BufferLimits.StreamedContent(large[..1000], pieceSize: 100)))
        {
            Assert.Equal(HttpStatusCode.ServiceUnavailable, chunkedSmall.StatusCode);
        }

        Assert.Equal(4, first.Calls + second.Calls);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task ResponseStartedThenReset_IsNotRetried_TheClientSeesAnAbortedResponse_AndTheGatewayStaysUp(bool declareLength)
    {
        await using var breaking = await FaultyBackend.ResetMidBodyAsync("breaking", declareLength);
        await using var good = await FaultyBackend.EchoAsync("good");
        await using var gateway = await GatewayFixture.StartAsync(g =>
        {
            g.WriteFile("upstreams.yaml", RouteYaml.Upstream("breaking", breaking.Port) + "---\n" + RouteYaml.Upstream("good", good.Port));
            g.WriteFile("vs.yaml", RouteYaml.VirtualService("vs",
                RouteYaml.Route("prefix: /download", "breaking", options: "retries: {retryOn: '5xx,reset,connect-failure', numRetries: 3}") +
                RouteYaml.Route("prefix: /", "good")));
        });
        using var client = gateway.CreateClient();

        for (var i = 0; i < 3; i++)
        {
            using var response = await client.GetAsync("/download", HttpCompletionOption.ResponseHeadersRead);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            var stream = await response.Content.ReadAsStreamAsync();
            await Assert.ThrowsAnyAsync<Exception>(async () => await stream.CopyToAsync(Stream.Null));
        }

        Assert.Equal(3, breaking.Calls);
        using var healthy = await client.GetAsync("/healthy");
        Assert.Equal(HttpStatusCode.OK, healthy.StatusCode);
    }

    [Fact]
    public async Task AttemptCount_IsReportedToTheClientAndTheUpstream_WhenAsked()
    {
        await using var flaky = await FaultyBackend.AlternatingAsync("flaky");
        await using var gateway = await GatewayFixture.StartAsync(g =>
        {
            g.WriteFile("upstreams.yaml", RouteYaml.Upstream("flaky", flaky.Port));
            g.WriteFile("counted.yaml", RouteYaml.VirtualService("counted",
                RouteYaml.Route("prefix: /", "flaky", options: "retries: {retryOn: 5xx, numRetries: 2}"),
                domains: ["counted.example"],
                options: "includeAttemptCountInResponse: true\nincludeRequestAttemptCount: true"));
            g.WriteFile("silent.yaml", RouteYaml.VirtualService("silent",
                RouteYaml.Route("prefix: /", "flaky", options: "retries: {retryOn: 5xx, numRetries: 2}"),
                domains: ["silent.example"]));
        });
        using var client = gateway.CreateClient();

        // Calls alternate 503, 200: each request takes two attempts.
        for (var i = 0; i < 3; i++)
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, "/") { Headers = { Host = "counted.example" } };
            using var response = await client.SendAsync(request);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal("2", Assert.Single(response.Headers.GetValues("x-envoy-attempt-count")));
            Assert.Equal("2", (await response.Content.ReadFromJsonAsync<EchoResponse>(EchoResponse.JsonOptions))!.Headers["x-envoy-attempt-count"]);
        }

        Assert.Equal(["1", "2", "1", "2", "1", "2"], flaky.AttemptHeaders);

        using var silentRequest = new HttpRequestMessage(HttpMethod.Get, "/") { Headers = { Host = "silent.example" } };
        using var silent = await client.SendAsync(silentRequest);
        Assert.Equal(HttpStatusCode.OK, silent.StatusCode);
        Assert.False(silent.Headers.Contains("x-envoy-attempt-count"));
        Assert.Equal(["-", "-"], flaky.AttemptHeaders.Skip(6));
    }

    [Fact]
    public async Task SetAsideResponses_AreDisposed_AndTheirConnectionsReused()
    {
        await using var flaky = await FaultyBackend.AlternatingAsync("flaky");
        await using var gateway = await GatewayFixture.StartAsync(g =>
        {
            g.WriteFile("upstreams.yaml", RouteYaml.Upstream("flaky", flaky.Port));
            g.WriteFile("vs.yaml", RouteYaml.VirtualService("vs",
                RouteYaml.Route("prefix: /", "flaky", options: "retries: {retryOn: 5xx, numRetries: 1}")));
        });
        using var client = gateway.CreateClient();

        for (var i = 0; i < 30; i++)
        {
            using var response = await client.GetAsync("/");
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }

        // 60 upstream requests, 30 of them set-aside 503s whose bodies were never copied: had their connections been
        // abandoned rather than drained, nearly every request would have needed a new one.
        Assert.Equal(60, flaky.Calls);
        Assert.True(flaky.DistinctConnections <= 5, $"{flaky.DistinctConnections} upstream connections for 60 sequential requests");
    }
}
