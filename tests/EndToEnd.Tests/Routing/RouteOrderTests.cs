using System.Net;
using Sluice.EndToEnd.Tests.Harness;
using Sluice.EndToEnd.Tests.Routing.Support;

namespace Sluice.EndToEnd.Tests.Routing;

/// <summary>First match wins in the order written; a matcher list is OR, the conditions inside one matcher AND.</summary>
public sealed class RouteOrderTests
{
    [Fact]
    public async Task EarlierBroaderRoute_WinsOverLaterSpecificOne()
    {
        await using var backends = await BackendSet.StartAsync("broad", "specific");
        await using var gateway = await GatewayFixture.StartAsync(g =>
        {
            g.WriteFile("upstreams.yaml", backends.UpstreamsYaml());
            g.WriteFile("vs.yaml", RouteYaml.VirtualService("vs",
                RouteYaml.Route("prefix: /api", "broad") +
                RouteYaml.Route("prefix: /api/users", "specific")));
        });
        using var client = gateway.CreateClient();

        var reply = await client.SendAsync("/api/users/7?x=1");
        Assert.Equal(HttpStatusCode.OK, reply.Status);
        Assert.Equal("broad", reply.Backend);
        Assert.Equal("/api/users/7", reply.Echo.Path);
        Assert.Equal("?x=1", reply.Echo.Query);
        Assert.Equal(0, backends["specific"].RequestCount);
    }

    [Fact]
    public async Task LaterRoute_IsReachedOnlyWhenTheEarlierDoesNotMatch()
    {
        await using var backends = await BackendSet.StartAsync("canary", "stable", "rest");
        await using var gateway = await GatewayFixture.StartAsync(g =>
        {
            g.WriteFile("upstreams.yaml", backends.UpstreamsYaml());
            g.WriteFile("vs.yaml", RouteYaml.VirtualService("vs",
                RouteYaml.Route("prefix: /api\nheaders:\n  - name: x-canary\n    value: 'yes'", "canary") +
                RouteYaml.Route("prefix: /api/users", "stable") +
                RouteYaml.Route("prefix: /", "rest")));
        });
        using var client = gateway.CreateClient();

        Assert.Equal("canary", await client.WhoAnswersAsync("/api/users", headers: ("x-canary", "yes")));
        Assert.Equal("stable", await client.WhoAnswersAsync("/api/users"));
        Assert.Equal("stable", await client.WhoAnswersAsync("/api/users", headers: ("x-canary", "no")));
        Assert.Equal("rest", await client.WhoAnswersAsync("/api/orders"));
        Assert.Equal("canary", await client.WhoAnswersAsync("/api/orders", headers: ("x-canary", "yes")));
    }

    [Fact]
    public async Task MatcherList_IsOr()
    {
        await using var backends = await BackendSet.StartAsync("either", "fallback");
        await using var gateway = await GatewayFixture.StartAsync(g =>
        {
            g.WriteFile("upstreams.yaml", backends.UpstreamsYaml());
            g.WriteFile("vs.yaml", RouteYaml.VirtualService("vs", """
                - matchers:
                    - exact: /one
                    - prefix: /two
                    - methods: [DELETE]
                  routeAction:
                    single:
                      upstream: {name: either, namespace: default}
                - matchers:
                    - prefix: /
                  routeAction:
                    single:
                      upstream: {name: fallback, namespace: default}
                """));
        });
        using var client = gateway.CreateClient();

        Assert.Equal("either", await client.WhoAnswersAsync("/one"));
        Assert.Equal("either", await client.WhoAnswersAsync("/two/deep"));
        Assert.Equal("either", await client.WhoAnswersAsync("/three", method: HttpMethod.Delete));
        Assert.Equal("fallback", await client.WhoAnswersAsync("/one/more"));
        Assert.Equal("fallback", await client.WhoAnswersAsync("/three"));
    }

    [Fact]
    public async Task ConditionsInsideOneMatcher_AreAnd()
    {
        await using var backends = await BackendSet.StartAsync("all", "fallback");
        await using var gateway = await GatewayFixture.StartAsync(g =>
        {
            g.WriteFile("upstreams.yaml", backends.UpstreamsYaml());
            g.WriteFile("vs.yaml", RouteYaml.VirtualService("vs", """
                - matchers:
                    - prefix: /orders
                      methods: [POST]
                      headers:
                        - name: x-tenant
                          value: acme
                      queryParameters:
                        - name: dry
                          value: 'true'
                  routeAction:
                    single:
                      upstream: {name: all, namespace: default}
                - routeAction:
                    single:
                      upstream: {name: fallback, namespace: default}
                """));
        });
        using var client = gateway.CreateClient();

        var tenant = ("x-tenant", "acme");
        Assert.Equal("all", await client.WhoAnswersAsync("/orders/1?dry=true", method: HttpMethod.Post, headers: tenant));
        Assert.Equal("fallback", await client.WhoAnswersAsync("/orders/1?dry=true", method: HttpMethod.Get, headers: tenant));
        Assert.Equal("fallback", await client.WhoAnswersAsync("/orders/1?dry=true", method: HttpMethod.Post));
        Assert.Equal("fallback", await client.WhoAnswersAsync("/orders/1?dry=false", method: HttpMethod.Post, headers: tenant));
        Assert.Equal("fallback", await client.WhoAnswersAsync("/other?dry=true", method: HttpMethod.Post, headers: tenant));
        Assert.Equal(1, backends["all"].RequestCount);
    }

    [Fact]
    public async Task NoMatchingRoute_Is404_AndReachesNoBackend()
    {
        await using var backends = await BackendSet.StartAsync("a");
        await using var gateway = await GatewayFixture.StartAsync(g =>
        {
            g.WriteFile("upstreams.yaml", backends.UpstreamsYaml());
            g.WriteFile("vs.yaml", RouteYaml.VirtualService("vs", RouteYaml.Route("prefix: /api", "a")));
        });
        using var client = gateway.CreateClient();

        var reply = await client.SendAsync("/other");
        Assert.Equal(HttpStatusCode.NotFound, reply.Status);
        Assert.Equal(0, backends["a"].RequestCount);
        Assert.Equal("a", await client.WhoAnswersAsync("/api"));
    }

    [Fact]
    public async Task UpstreamWithoutHosts_Is503_NamingTheUpstream()
    {
        await using var gateway = await GatewayFixture.StartAsync(g =>
        {
            g.WriteFile("upstreams.yaml", RouteYaml.Upstream("nowhere", []));
            g.WriteFile("vs.yaml", RouteYaml.VirtualService("vs", RouteYaml.Route("prefix: /", "nowhere")));
        });
        using var client = gateway.CreateClient();

        var reply = await client.SendAsync("/anything");
        Assert.Equal(HttpStatusCode.ServiceUnavailable, reply.Status);
        Assert.Contains("default/nowhere", reply.Body, StringComparison.Ordinal);
    }
}
