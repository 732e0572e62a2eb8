using System.Net;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Sluice.EndToEnd.Tests.Harness;
using Sluice.EndToEnd.Tests.Routing.Support;

namespace Sluice.EndToEnd.Tests.Protocols;

/// <summary>HTTP/1.1 and prior-knowledge h2c on one cleartext port, and HTTP/2 towards an upstream that asks for it.</summary>
public sealed class PlainPortProtocolTests
{
    [Fact]
    public async Task Http11AndH2c_AreServedOnTheSamePlainPort()
    {
        await using var backends = await BackendSet.StartAsync("a");
        await using var gateway = await GatewayFixture.StartAsync(g =>
        {
            g.WriteFile("upstreams.yaml", backends.UpstreamsYaml());
            g.WriteFile("vs.yaml", RouteYaml.VirtualService("vs", RouteYaml.Route("prefix: /", "a")));
        });

        using var http11 = gateway.CreateClient(HttpVersion.Version11);
        using var h2c = gateway.CreateClient(HttpVersion.Version20);

        // Interleaved on the same port: each connection keeps the protocol it started with.
        for (var i = 0; i < 3; i++)
        {
            var one = await http11.SendAsync($"/one/{i}?v=1");
            Assert.Equal(HttpVersion.Version11, one.Version);
            Assert.Equal($"/one/{i}", one.Echo.Path);
            Assert.Equal("?v=1", one.Echo.Query);
            Assert.Equal("http", one.Echo.Headers["x-forwarded-proto"]);

            var two = await h2c.SendAsync($"/two/{i}?v=2", method: HttpMethod.Post, content: new StringContent("over h2c"));
            Assert.Equal(HttpVersion.Version20, two.Version);
            Assert.Equal($"/two/{i}", two.Echo.Path);
            Assert.Equal("?v=2", two.Echo.Query);
            Assert.Equal("over h2c", two.Echo.Body);

            // h2c is still plain http: the scheme the backend is told must not be https.
            Assert.Equal("http", two.Echo.Headers["x-forwarded-proto"]);
        }

        Assert.Equal(6, backends["a"].RequestCount);
    }

    [Fact]
    public async Task H2c_ManyConcurrentStreamsOnOneConnection()
    {
        await using var backends = await BackendSet.StartAsync("a");
        await using var gateway = await GatewayFixture.StartAsync(g =>
        {
            g.WriteFile("upstreams.yaml", backends.UpstreamsYaml());
            g.WriteFile("vs.yaml", RouteYaml.VirtualService("vs", RouteYaml.Route("prefix: /", "a")));
        });
        using var h2c = gateway.CreateClient(HttpVersion.Version20);

        var replies = await Task.WhenAll(Enumerable.Range(0, 50).Select(i => h2c.SendAsync($"/stream/{i}")));
        for (var i = 0; i < replies.Length; i++)
        {
            Assert.Equal(HttpVersion.Version20, replies[i].Version);
            Assert.Equal($"/stream/{i}", replies[i].Echo.Path);
        }
    }

    [Fact]
    public async Task UpstreamWithUseHttp2_ReceivesHttp2_OthersHttp11()
    {
        await using var h2Backend = await TestBackend.StartAsync("h2-only", protocols: HttpProtocols.Http2);
        await using var h1Backend = await TestBackend.StartAsync("h1-only", protocols: HttpProtocols.Http1);
        await using var gateway = await GatewayFixture.StartAsync(g =>
        {
            g.WriteFile("upstreams.yaml", RouteYaml.Documents(
                RouteYaml.Upstream("grpcish", [h2Backend.Port], extraSpec: "useHttp2: true"),
                RouteYaml.Upstream("classic", h1Backend.Port)));
            g.WriteFile("vs.yaml", RouteYaml.VirtualService("vs",
                RouteYaml.Route("prefix: /h2", "grpcish") +
                RouteYaml.Route("prefix: /h1", "classic")));
        });

        foreach (var version in new[] { HttpVersion.Version11, HttpVersion.Version20 })
        {
            using var client = gateway.CreateClient(version);

            var h2 = await client.SendAsync("/h2/call?x=1", method: HttpMethod.Post, content: new StringContent("body"));
            Assert.Equal(version, h2.Version);
            Assert.Equal("h2-only", h2.Backend);
            Assert.Equal("HTTP/2", h2.Echo.Protocol);
            Assert.Equal("/h2/call", h2.Echo.Path);
            Assert.Equal("?x=1", h2.Echo.Query);
            Assert.Equal("body", h2.Echo.Body);

            var h1 = await client.SendAsync("/h1/call");
            Assert.Equal("h1-only", h1.Backend);
            Assert.Equal("HTTP/1.1", h1.Echo.Protocol);
        }
    }
}
