using Sluice.EndToEnd.Tests.Harness;
using Sluice.EndToEnd.Tests.Routing.Support;

namespace Sluice.EndToEnd.Tests.Routing;

/// <summary><c>prefix</c>, <c>exact</c> and <c>regex</c> as Gloo defines them, and <c>caseSensitive</c>.</summary>
public sealed class PathMatcherTests
{
    [Fact]
    public async Task Prefix_IsAPlainStringPrefix()
    {
        await using var backends = await BackendSet.StartAsync("foo", "fallback");
        await using var gateway = await GatewayFixture.StartAsync(g =>
        {
            g.WriteFile("upstreams.yaml", backends.UpstreamsYaml());
            g.WriteFile("vs.yaml", RouteYaml.VirtualService("vs",
                RouteYaml.Route("prefix: /foo", "foo") +
                RouteYaml.Route("prefix: /", "fallback")));
        });
        using var client = gateway.CreateClient();

        Assert.Equal("foo", await client.WhoAnswersAsync("/foo"));
        Assert.Equal("foo", await client.WhoAnswersAsync("/foo/bar"));
        Assert.Equal("foo", await client.WhoAnswersAsync("/foobar"));
        Assert.Equal("fallback", await client.WhoAnswersAsync("/fo"));
        Assert.Equal("fallback", await client.WhoAnswersAsync("/x/foo"));

        var reply = await client.SendAsync("/foobar/baz?q=1");
        Assert.Equal("foo", reply.Backend);
        Assert.Equal("/foobar/baz", reply.Echo.Path);
        Assert.Equal("?q=1", reply.Echo.Query);
    }

    [Fact]
    public async Task Exact_IsWholePathEquality_IgnoringTheQuery()
    {
        await using var backends = await BackendSet.StartAsync("exact", "fallback");
        await using var gateway = await GatewayFixture.StartAsync(g =>
        {
            g.WriteFile("upstreams.yaml", backends.UpstreamsYaml());
            g.WriteFile("vs.yaml", RouteYaml.VirtualService("vs",
                RouteYaml.Route("exact: /status", "exact") +
                RouteYaml.Route("prefix: /", "fallback")));
        });
        using var client = gateway.CreateClient();

        Assert.Equal("exact", await client.WhoAnswersAsync("/status"));
        var withQuery = await client.SendAsync("/status?verbose=1&x=2");
        Assert.Equal("exact", withQuery.Backend);
        Assert.Equal("?verbose=1&x=2", withQuery.Echo.Query);
        Assert.Equal("fallback", await client.WhoAnswersAsync("/status/"));
        Assert.Equal("fallback", await client.WhoAnswersAsync("/statuses"));
        Assert.Equal("fallback", await client.WhoAnswersAsync("/stat"));
    }

    [Fact]
    public async Task Regex_MustMatchTheWholePath()
    {
        await using var backends = await BackendSet.StartAsync("a-star", "numbered", "fallback");
        await using var gateway = await GatewayFixture.StartAsync(g =>
        {
            g.WriteFile("upstreams.yaml", backends.UpstreamsYaml());
            g.WriteFile("vs.yaml", RouteYaml.VirtualService("vs",
                RouteYaml.Route("regex: /a.*", "a-star") +
                RouteYaml.Route("regex: '/items/[0-9]+'", "numbered") +
                RouteYaml.Route("prefix: /", "fallback")));
        });
        using var client = gateway.CreateClient();

        Assert.Equal("a-star", await client.WhoAnswersAsync("/a"));
        Assert.Equal("a-star", await client.WhoAnswersAsync("/abc/def"));
        Assert.Equal("fallback", await client.WhoAnswersAsync("/xa"));
        Assert.Equal("fallback", await client.WhoAnswersAsync("/x/a"));
        Assert.Equal("numbered", await client.WhoAnswersAsync("/items/42"));
        Assert.Equal("numbered", await client.WhoAnswersAsync("/items/42?page=2"));
        Assert.Equal("fallback", await client.WhoAnswersAsync("/items/42x"));
        Assert.Equal("fallback", await client.WhoAnswersAsync("/items/42/"));
        Assert.Equal("fallback", await client.WhoAnswersAsync("/v1/items/42"));
    }

    [Fact]
    public async Task Matching_IsCaseSensitiveByDefault()
    {
        await using var backends = await BackendSet.StartAsync("prefix", "exact", "regex", "fallback");
        await using var gateway = await GatewayFixture.StartAsync(g =>
        {
            g.WriteFile("upstreams.yaml", backends.UpstreamsYaml());
            g.WriteFile("vs.yaml", RouteYaml.VirtualService("vs",
                RouteYaml.Route("prefix: /Api", "prefix") +
                RouteYaml.Route("exact: /Login", "exact") +
                RouteYaml.Route("regex: '/Reports/[a-z]+'", "regex") +
                RouteYaml.Route("prefix: /", "fallback")));
        });
        using var client = gateway.CreateClient();

        Assert.Equal("prefix", await client.WhoAnswersAsync("/Api/x"));
        Assert.Equal("fallback", await client.WhoAnswersAsync("/api/x"));
        Assert.Equal("fallback", await client.WhoAnswersAsync("/API/x"));
        Assert.Equal("exact", await client.WhoAnswersAsync("/Login"));
        Assert.Equal("fallback", await client.WhoAnswersAsync("/login"));
        Assert.Equal("regex", await client.WhoAnswersAsync("/Reports/daily"));
        Assert.Equal("fallback", await client.WhoAnswersAsync("/reports/daily"));
        Assert.Equal("fallback", await client.WhoAnswersAsync("/Reports/Daily"));
    }

    [Fact]
    public async Task CaseSensitiveFalse_AppliesToPrefixExactAndRegex()
    {
        await using var backends = await BackendSet.StartAsync("prefix", "exact", "regex", "fallback");
        await using var gateway = await GatewayFixture.StartAsync(g =>
        {
            g.WriteFile("upstreams.yaml", backends.UpstreamsYaml());
            g.WriteFile("vs.yaml", RouteYaml.VirtualService("vs",
                RouteYaml.Route("prefix: /Api\ncaseSensitive: false", "prefix") +
                RouteYaml.Route("exact: /Login\ncaseSensitive: false", "exact") +
                RouteYaml.Route("regex: '/reports/[a-z]+'\ncaseSensitive: false", "regex") +
                RouteYaml.Route("prefix: /", "fallback")));
        });
        using var client = gateway.CreateClient();

        var prefix = await client.SendAsync("/aPI/Users");
        Assert.Equal("prefix", prefix.Backend);
        Assert.Equal("/aPI/Users", prefix.Echo.Path);
        Assert.Equal("exact", await client.WhoAnswersAsync("/LOGIN"));
        Assert.Equal("exact", await client.WhoAnswersAsync("/login"));
        Assert.Equal("fallback", await client.WhoAnswersAsync("/login/x"));
        Assert.Equal("regex", await client.WhoAnswersAsync("/REPORTS/Daily"));
        Assert.Equal("fallback", await client.WhoAnswersAsync("/REPORTS/Daily1"));
    }

    [Fact]
    public async Task Regex_DoesNotMatchAPathWithATrailingNewline()
    {
        await using var backends = await BackendSet.StartAsync("admin", "fallback");
        await using var gateway = await GatewayFixture.StartAsync(g =>
        {
            g.WriteFile("upstreams.yaml", backends.UpstreamsYaml());
            g.WriteFile("vs.yaml", RouteYaml.VirtualService("vs",
                RouteYaml.Route("regex: /admin", "admin") +
                RouteYaml.Route("prefix: /", "fallback")));
        });

        var reply = await RawHttp.GetAsync(gateway.HttpPort, "/admin%0A");
        Assert.Equal(200, reply.Status);
        Assert.Contains("\"backend\":\"fallback\"", reply.Body, StringComparison.Ordinal);
        Assert.Equal(0, backends["admin"].RequestCount);
    }
}
