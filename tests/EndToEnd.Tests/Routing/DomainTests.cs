using System.Net;
using Sluice.EndToEnd.Tests.Harness;
using Sluice.EndToEnd.Tests.Routing.Support;

namespace Sluice.EndToEnd.Tests.Routing;

/// <summary>
/// Virtual host selection by Host with Envoy's precedence: exact, then the longest <c>*suffix</c>, then the
/// longest <c>prefix*</c>, then <c>*</c>; case-insensitive; the listener's own port is ignored.
/// </summary>
public sealed class DomainTests
{
    /// <summary>One VirtualService per backend, forwarding everything to it, serving <paramref name="domains"/>.</summary>
    private static string HostVs(string backend, params string[] domains) =>
        RouteYaml.VirtualService("vs-" + backend, RouteYaml.Route("prefix: /", backend), domains);

    [Fact]
    public async Task ExactBeatsSuffixBeatsPrefixBeatsStar()
    {
        await using var backends = await BackendSet.StartAsync("exact", "suffix", "prefix", "star");
        await using var gateway = await GatewayFixture.StartAsync(g =>
        {
            g.WriteFile("upstreams.yaml", backends.UpstreamsYaml());
            g.WriteFile("vs.yaml", RouteYaml.Documents(
                HostVs("star", "*"),
                HostVs("prefix", "api.*"),
                HostVs("suffix", "*.example.com"),
                HostVs("exact", "api.example.com")));
        });
        using var client = gateway.CreateClient();

        var exact = await client.SendAsync("/x", host: "api.example.com");
        Assert.Equal("exact", exact.Backend);
        Assert.Equal("api.example.com", exact.Echo.Host);
        Assert.Equal("suffix", await client.WhoAnswersAsync("/x", host: "www.example.com"));
        Assert.Equal("suffix", await client.WhoAnswersAsync("/x", host: "api.v2.example.com"));
        Assert.Equal("prefix", await client.WhoAnswersAsync("/x", host: "api.example.org"));
        Assert.Equal("star", await client.WhoAnswersAsync("/x", host: "example.org"));
        Assert.Equal("star", await client.WhoAnswersAsync("/x", host: "apiexample.com"));
    }

    [Fact]
    public async Task LongestSuffixWins_AndLongestPrefixWins()
    {
        await using var backends = await BackendSet.StartAsync("short-suffix", "long-suffix", "short-prefix", "long-prefix");
        await using var gateway = await GatewayFixture.StartAsync(g =>
        {
            g.WriteFile("upstreams.yaml", backends.UpstreamsYaml());
            g.WriteFile("vs.yaml", RouteYaml.Documents(
                HostVs("short-suffix", "*.example.com"),
                HostVs("long-suffix", "*.api.example.com"),
                HostVs("short-prefix", "shop.*"),
                HostVs("long-prefix", "shop.eu.*")));
        });
        using var client = gateway.CreateClient();

        Assert.Equal("long-suffix", await client.WhoAnswersAsync("/", host: "v1.api.example.com"));
        Assert.Equal("short-suffix", await client.WhoAnswersAsync("/", host: "api.example.com"));
        Assert.Equal("short-suffix", await client.WhoAnswersAsync("/", host: "www.example.com"));
        Assert.Equal("long-prefix", await client.WhoAnswersAsync("/", host: "shop.eu.example.net"));
        Assert.Equal("short-prefix", await client.WhoAnswersAsync("/", host: "shop.us.example.net"));
    }

    [Fact]
    public async Task SuffixWildcard_DoesNotMatchTheBareDomain_AndNoMatchWithoutStarIs404()
    {
        await using var backends = await BackendSet.StartAsync("wild");
        await using var gateway = await GatewayFixture.StartAsync(g =>
        {
            g.WriteFile("upstreams.yaml", backends.UpstreamsYaml());
            g.WriteFile("vs.yaml", HostVs("wild", "*.example.com"));
        });
        using var client = gateway.CreateClient();

        Assert.Equal("wild", await client.WhoAnswersAsync("/", host: "a.example.com"));
        Assert.Equal(HttpStatusCode.NotFound, (await client.SendAsync("/", host: "example.com")).Status);
        Assert.Equal(HttpStatusCode.NotFound, (await client.SendAsync("/", host: "other.org")).Status);
        Assert.Equal(HttpStatusCode.NotFound, (await client.SendAsync("/", host: "a.example.com.evil.org")).Status);
        Assert.Equal(1, backends["wild"].RequestCount);
    }

    [Fact]
    public async Task HostMatching_IsCaseInsensitive()
    {
        await using var backends = await BackendSet.StartAsync("exact", "suffix", "prefix");
        await using var gateway = await GatewayFixture.StartAsync(g =>
        {
            g.WriteFile("upstreams.yaml", backends.UpstreamsYaml());
            g.WriteFile("vs.yaml", RouteYaml.Documents(
                HostVs("exact", "api.example.com"),
                HostVs("suffix", "*.example.net"),
                HostVs("prefix", "shop.*")));
        });
        using var client = gateway.CreateClient();

        Assert.Equal("exact", await client.WhoAnswersAsync("/", host: "API.Example.COM"));
        Assert.Equal("suffix", await client.WhoAnswersAsync("/", host: "WWW.EXAMPLE.NET"));
        Assert.Equal("prefix", await client.WhoAnswersAsync("/", host: "SHOP.example.org"));
    }

    [Fact]
    public async Task HostWithTheListenerPort_MatchesTheDomainWithoutPort()
    {
        await using var backends = await BackendSet.StartAsync("exact", "suffix");
        await using var gateway = await GatewayFixture.StartAsync(g =>
        {
            g.WriteFile("upstreams.yaml", backends.UpstreamsYaml());
            g.WriteFile("vs.yaml", RouteYaml.Documents(
                HostVs("exact", "example.com"),
                HostVs("suffix", "*.example.net")));
        });
        using var client = gateway.CreateClient();

        var reply = await client.SendAsync("/", host: $"example.com:{gateway.HttpPort}");
        Assert.Equal("exact", reply.Backend);
        Assert.Equal($"example.com:{gateway.HttpPort}", reply.Echo.Host);
        Assert.Equal("suffix", await client.WhoAnswersAsync("/", host: $"www.example.net:{gateway.HttpPort}"));

        // Another port is matched as written: example.com:1 is not example.com.
        Assert.Equal(HttpStatusCode.NotFound, (await client.SendAsync("/", host: "example.com:1")).Status);
    }

    [Fact]
    public async Task DomainWithAnExplicitPort_MatchesOnlyThatHost()
    {
        await using var backends = await BackendSet.StartAsync("ported");
        await using var gateway = await GatewayFixture.StartAsync(g =>
        {
            g.WriteFile("upstreams.yaml", backends.UpstreamsYaml());
            g.WriteFile("vs.yaml", HostVs("ported", "example.com:1234"));
        });
        using var client = gateway.CreateClient();

        var reply = await client.SendAsync("/p", host: "example.com:1234");
        Assert.Equal("ported", reply.Backend);
        Assert.Equal("example.com:1234", reply.Echo.Host);
        Assert.Equal(HttpStatusCode.NotFound, (await client.SendAsync("/p", host: "example.com")).Status);
        Assert.Equal(HttpStatusCode.NotFound, (await client.SendAsync("/p", host: "example.com:4321")).Status);
        Assert.Equal(HttpStatusCode.NotFound, (await client.SendAsync("/p", host: $"example.com:{gateway.HttpPort}")).Status);
        Assert.Equal(1, backends["ported"].RequestCount);
    }
}
