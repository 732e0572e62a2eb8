using System.Net;
using Sluice.EndToEnd.Tests.Harness;
using Sluice.EndToEnd.Tests.Routing.Support;

namespace Sluice.EndToEnd.Tests.Routing;

/// <summary>Route actions: <c>single</c>, weighted <c>multi</c>, <c>upstreamGroup</c> and <c>directResponseAction</c>.</summary>
public sealed class ActionTests
{
    /// <summary>Sends <paramref name="count"/> requests, a few at a time, and counts who answered each.</summary>
    private static async Task<Dictionary<string, int>> DistributionAsync(HttpClient client, string path, int count)
    {
        var counts = new Dictionary<string, int>();
        var gate = new SemaphoreSlim(8);
        var answers = await Task.WhenAll(Enumerable.Range(0, count).Select(async _ =>
        {
            await gate.WaitAsync();
            try
            {
                return await client.WhoAnswersAsync(path);
            }
            finally
            {
                gate.Release();
            }
        }));
        foreach (var answer in answers)
        {
            counts[answer] = counts.GetValueOrDefault(answer) + 1;
        }

        return counts;
    }

    [Fact]
    public async Task Single_ForwardsToTheOneUpstream()
    {
        await using var backends = await BackendSet.StartAsync("only", "unused");
        await using var gateway = await GatewayFixture.StartAsync(g =>
        {
            g.WriteFile("upstreams.yaml", backends.UpstreamsYaml());
            g.WriteFile("vs.yaml", RouteYaml.VirtualService("vs", RouteYaml.Route("prefix: /", "only")));
        });
        using var client = gateway.CreateClient();

        var reply = await client.SendAsync("/a/b?c=d", method: HttpMethod.Put, content: new StringContent("payload"));
        Assert.Equal("only", reply.Backend);
        Assert.Equal("PUT", reply.Echo.Method);
        Assert.Equal("/a/b", reply.Echo.Path);
        Assert.Equal("?c=d", reply.Echo.Query);
        Assert.Equal("payload", reply.Echo.Body);
        Assert.Equal(0, backends["unused"].RequestCount);
    }

    [Fact]
    public async Task Multi_SplitsByWeight_AndWeightZeroIsNeverHit()
    {
        await using var backends = await BackendSet.StartAsync("eighty", "twenty", "zero");
        await using var gateway = await GatewayFixture.StartAsync(g =>
        {
            g.WriteFile("upstreams.yaml", backends.UpstreamsYaml());
            g.WriteFile("vs.yaml", RouteYaml.VirtualService("vs", """
                - matchers:
                    - prefix: /
                  routeAction:
                    multi:
                      destinations:
                        - weight: 80
                          destination:
                            upstream: {name: eighty, namespace: default}
                        - weight: 20
                          destination:
                            upstream: {name: twenty, namespace: default}
                        - weight: 0
                          destination:
                            upstream: {name: zero, namespace: default}
                """));
        });
        using var client = gateway.CreateClient();

        var counts = await DistributionAsync(client, "/split", 1000);
        var eighty = counts.GetValueOrDefault("eighty");
        var twenty = counts.GetValueOrDefault("twenty");
        Assert.Equal(1000, eighty + twenty);
        Assert.InRange(eighty, 720, 880);
        Assert.InRange(twenty, 120, 280);
        Assert.Equal(0, backends["zero"].RequestCount);
    }

    [Fact]
    public async Task WeightedDestinationOptions_OverrideTheRouteOptions_ForThatDestinationOnly()
    {
        await using var backends = await BackendSet.StartAsync("a", "b");
        await using var gateway = await GatewayFixture.StartAsync(g =>
        {
            g.WriteFile("upstreams.yaml", backends.UpstreamsYaml());
            g.WriteFile("vs.yaml", RouteYaml.VirtualService("vs", """
                - matchers: [{prefix: /m}]
                  options: {prefixRewrite: /route}
                  routeAction:
                    multi:
                      destinations:
                        - weight: 1
                          destination: {upstream: {name: a, namespace: default}}
                          options: {prefixRewrite: /dest-a}
                        - weight: 1
                          destination: {upstream: {name: b, namespace: default}}
                """));
        });
        using var client = gateway.CreateClient();

        var seen = new HashSet<string>();
        for (var i = 0; i < 40; i++)
        {
            var echo = (await client.SendAsync("/m/x?i=1")).Echo;
            Assert.Equal(echo.Backend == "a" ? "/dest-a/x" : "/route/x", echo.Path);
            Assert.Equal("?i=1", echo.Query);
            seen.Add(echo.Backend);
        }

        Assert.Equal(["a", "b"], seen.Order());
    }

    [Fact]
    public async Task UpstreamGroup_SplitsByItsWeights()
    {
        await using var backends = await BackendSet.StartAsync("blue", "green", "retired");
        await using var gateway = await GatewayFixture.StartAsync(g =>
        {
            g.WriteFile("upstreams.yaml", backends.UpstreamsYaml());
            g.WriteFile("group.yaml", """
                apiVersion: gateway.sluice.dev/v1
                kind: UpstreamGroup
                metadata:
                  name: blue-green
                  namespace: default
                spec:
                  destinations:
                    - weight: 1
                      destination:
                        upstream: {name: blue, namespace: default}
                    - weight: 3
                      destination:
                        upstream: {name: green, namespace: default}
                    - weight: 0
                      destination:
                        upstream: {name: retired, namespace: default}
                """);
            g.WriteFile("vs.yaml", RouteYaml.VirtualService("vs", """
                - matchers:
                    - prefix: /app
                  routeAction:
                    upstreamGroup: {name: blue-green, namespace: default}
                """));
        });
        using var client = gateway.CreateClient();

        var counts = await DistributionAsync(client, "/app/x", 400);
        var blue = counts.GetValueOrDefault("blue");
        var green = counts.GetValueOrDefault("green");
        Assert.Equal(400, blue + green);

        // 25% / 75%, within 8 percentage points.
        Assert.InRange(blue, 68, 132);
        Assert.InRange(green, 268, 332);
        Assert.Equal(0, backends["retired"].RequestCount);
        Assert.Equal(HttpStatusCode.NotFound, (await client.SendAsync("/other")).Status);
    }

    [Fact]
    public async Task DirectResponse_AnswersWithStatusAndBody_WithoutABackend()
    {
        await using var backends = await BackendSet.StartAsync("a");
        await using var gateway = await GatewayFixture.StartAsync(g =>
        {
            g.WriteFile("upstreams.yaml", backends.UpstreamsYaml());
            g.WriteFile("vs.yaml", RouteYaml.VirtualService("vs", """
                - matchers:
                    - exact: /teapot
                  directResponseAction:
                    status: 418
                    body: "short and stout\n"
                - matchers:
                    - exact: /empty
                  directResponseAction:
                    status: 204
                - matchers:
                    - prefix: /gone
                  directResponseAction:
                    status: 410
                    body: gone for good
                """ + "\n" + RouteYaml.Route("prefix: /", "a")));
        });
        using var client = gateway.CreateClient();

        var teapot = await client.SendAsync("/teapot?x=1");
        Assert.Equal((HttpStatusCode)418, teapot.Status);
        Assert.Equal("short and stout\n", teapot.Body);

        var empty = await client.SendAsync("/empty");
        Assert.Equal(HttpStatusCode.NoContent, empty.Status);
        Assert.Equal(string.Empty, empty.Body);

        var gone = await client.SendAsync("/gone/away", method: HttpMethod.Post, content: new StringContent("ignored"));
        Assert.Equal(HttpStatusCode.Gone, gone.Status);
        Assert.Equal("gone for good", gone.Body);

        Assert.Equal(0, backends["a"].RequestCount);
        Assert.Equal("a", await client.WhoAnswersAsync("/teapot/not-exact"));
    }

    [Fact]
    public async Task DirectResponse204_HasNoBody_AndKeepsTheConnectionUsable()
    {
        await using var gateway = await GatewayFixture.StartAsync(g => g.WriteFile("vs.yaml", RouteYaml.VirtualService("vs", """
            - matchers: [{exact: /empty}]
              directResponseAction: {status: 204, body: "a 204 has no body"}
            - matchers: [{exact: /teapot}]
              directResponseAction: {status: 418, body: teapot}
            """)));

        // Two requests on one connection: the 204 must be complete and well-formed for the second to be answered.
        var wire = await RawHttp.ExchangeAsync(gateway.HttpPort,
            "GET /empty HTTP/1.1\r\nHost: x\r\n\r\nGET /teapot HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
        var second = wire.IndexOf("HTTP/1.1 418", StringComparison.Ordinal);
        Assert.StartsWith("HTTP/1.1 204", wire, StringComparison.Ordinal);
        Assert.True(second > 0, $"the connection did not answer the second request: {wire}");
        Assert.DoesNotContain("a 204 has no body", wire, StringComparison.Ordinal);
        Assert.EndsWith("\r\n\r\nteapot", wire, StringComparison.Ordinal);
        Assert.DoesNotContain("Content-Length", wire[..second], StringComparison.OrdinalIgnoreCase);
    }
}
