using System.Diagnostics;
using System.Net;
using Sluice.EndToEnd.Tests.Harness;
using Sluice.EndToEnd.Tests.Routing.Support;

namespace Sluice.EndToEnd.Tests.Routing;

/// <summary>
/// Delegation to RouteTables by <c>ref</c>, legacy <c>name</c>/<c>namespace</c> and label <c>selector</c>,
/// flattened in place: the children's routes are tried where the delegating route stands, in order.
/// </summary>
public sealed class DelegationTests
{
    private static readonly Dictionary<string, string> TeamX = new() { ["team"] = "x" };

    [Fact]
    public async Task DelegateByRef_ChildRoutesMatchInOrder_ThenTheParentListContinues()
    {
        await using var backends = await BackendSet.StartAsync("users", "api", "rest");
        await using var gateway = await GatewayFixture.StartAsync(g =>
        {
            g.WriteFile("upstreams.yaml", backends.UpstreamsYaml());
            g.WriteFile("rt.yaml", RouteYaml.RouteTable("api-routes",
                RouteYaml.Route("prefix: /api/users", "users") +
                RouteYaml.Route("exact: /api/health", "api")));
            g.WriteFile("vs.yaml", RouteYaml.VirtualService("vs", """
                - matchers:
                    - prefix: /api
                  delegateAction:
                    ref:
                      name: api-routes
                      namespace: default
                - matchers:
                    - prefix: /
                  routeAction:
                    single:
                      upstream: {name: rest, namespace: default}
                """));
        });
        using var client = gateway.CreateClient();

        var users = await client.SendAsync("/api/users/7?expand=1");
        Assert.Equal("users", users.Backend);
        Assert.Equal("/api/users/7", users.Echo.Path);
        Assert.Equal("?expand=1", users.Echo.Query);
        Assert.Equal("api", await client.WhoAnswersAsync("/api/health"));

        // Nothing in the table matches: the next route of the virtual service is tried, as in Gloo's flattened table.
        Assert.Equal("rest", await client.WhoAnswersAsync("/api/health/deep"));
        Assert.Equal("rest", await client.WhoAnswersAsync("/other"));
    }

    [Fact]
    public async Task DelegateByLegacyNameAndNamespace_ReachesATableInAnotherNamespace()
    {
        await using var backends = await BackendSet.StartAsync("billing");
        await using var gateway = await GatewayFixture.StartAsync(g =>
        {
            g.WriteFile("upstreams.yaml", backends.UpstreamsYaml());
            g.WriteFile("rt.yaml", RouteYaml.RouteTable("billing-routes", RouteYaml.Route("prefix: /billing/invoices", "billing"), ns: "finance"));
            g.WriteFile("vs.yaml", RouteYaml.VirtualService("vs", """
                - matchers:
                    - prefix: /billing
                  delegateAction:
                    name: billing-routes
                    namespace: finance
                """));
        });
        using var client = gateway.CreateClient();

        var reply = await client.SendAsync("/billing/invoices/3");
        Assert.Equal("billing", reply.Backend);
        Assert.Equal("/billing/invoices/3", reply.Echo.Path);
        Assert.Equal(HttpStatusCode.NotFound, (await client.SendAsync("/billing/other")).Status);
    }

    [Fact]
    public async Task DelegateBySelector_AllNamespaces_OrdersTablesByWeightLowestFirst()
    {
        await using var backends = await BackendSet.StartAsync("heavy", "light", "other-ns", "unselected");
        await using var gateway = await GatewayFixture.StartAsync(g =>
        {
            g.WriteFile("upstreams.yaml", backends.UpstreamsYaml());

            // Written heaviest first so that file order and weight order disagree.
            g.WriteFile("rt-heavy.yaml", RouteYaml.RouteTable("heavy",
                RouteYaml.Route("prefix: /api/shared", "heavy") + RouteYaml.Route("prefix: /api/heavy", "heavy"), labels: TeamX, weight: 20));
            g.WriteFile("rt-light.yaml", RouteYaml.RouteTable("light",
                RouteYaml.Route("prefix: /api/shared", "light") + RouteYaml.Route("prefix: /api/light", "light"), labels: TeamX, weight: 10));
            g.WriteFile("rt-other.yaml", RouteYaml.RouteTable("other",
                RouteYaml.Route("prefix: /api/shared", "other-ns") + RouteYaml.Route("prefix: /api/other", "other-ns"), ns: "elsewhere", labels: TeamX, weight: 15));

            // Would catch everything first (weight 0) if the selector picked it; its label differs.
            g.WriteFile("rt-unselected.yaml", RouteYaml.RouteTable("unselected",
                RouteYaml.Route("prefix: /api", "unselected"), labels: new Dictionary<string, string> { ["team"] = "y" }, weight: 0));
            g.WriteFile("vs.yaml", RouteYaml.VirtualService("vs", """
                - matchers:
                    - prefix: /api
                  delegateAction:
                    selector:
                      labels:
                        team: x
                      namespaces: ['*']
                """));
        });
        using var client = gateway.CreateClient();

        Assert.Equal("light", await client.WhoAnswersAsync("/api/shared"));
        Assert.Equal("light", await client.WhoAnswersAsync("/api/light"));
        Assert.Equal("heavy", await client.WhoAnswersAsync("/api/heavy"));
        Assert.Equal("other-ns", await client.WhoAnswersAsync("/api/other"));
        Assert.Equal(HttpStatusCode.NotFound, (await client.SendAsync("/api/none")).Status);
        Assert.Equal(0, backends["unselected"].RequestCount);
    }

    [Fact]
    public async Task DelegateBySelector_WithoutNamespaces_SelectsOnlyTheVirtualServicesNamespace()
    {
        await using var backends = await BackendSet.StartAsync("local", "remote");
        await using var gateway = await GatewayFixture.StartAsync(g =>
        {
            g.WriteFile("upstreams.yaml", backends.UpstreamsYaml());
            g.WriteFile("rt-local.yaml", RouteYaml.RouteTable("local", RouteYaml.Route("prefix: /api/local", "local"), labels: TeamX));
            g.WriteFile("rt-remote.yaml", RouteYaml.RouteTable("remote", RouteYaml.Route("prefix: /api/remote", "remote"), ns: "elsewhere", labels: TeamX));
            g.WriteFile("vs.yaml", RouteYaml.VirtualService("vs", """
                - matchers:
                    - prefix: /api
                  delegateAction:
                    selector:
                      labels:
                        team: x
                """));
        });
        using var client = gateway.CreateClient();

        Assert.Equal("local", await client.WhoAnswersAsync("/api/local"));
        Assert.Equal(HttpStatusCode.NotFound, (await client.SendAsync("/api/remote")).Status);
        Assert.Equal(0, backends["remote"].RequestCount);
    }

    [Fact]
    public async Task ChildRoutes_InheritTheParentRouteOptions_AndMayOverrideThem()
    {
        // The backend waits as long as the "delay" query parameter says, then echoes.
        await using var slow = await TestBackend.StartAsync("slow", async context =>
        {
            if (int.TryParse(context.Request.Query["delay"], out var delay))
            {
                await Task.Delay(delay, context.RequestAborted);
            }

            await TestBackend.Echo(context, "slow");
        });
        await using var gateway = await GatewayFixture.StartAsync(g =>
        {
            g.WriteFile("upstreams.yaml", RouteYaml.Upstream("slow", slow.Port));
            g.WriteFile("rt.yaml", RouteYaml.RouteTable("children",
                RouteYaml.Route("prefix: /api/patient", "slow", options: "timeout: 5s") +
                RouteYaml.Route("prefix: /api", "slow")));
            g.WriteFile("vs.yaml", RouteYaml.VirtualService("vs", """
                - matchers:
                    - prefix: /api
                  delegateAction:
                    ref: {name: children}
                  options:
                    prefixRewrite: /v2
                    timeout: 300ms
                """));
        });
        using var client = gateway.CreateClient();

        // Inherited prefixRewrite: Envoy rewrites the prefix the (flattened) child route matched.
        var inherited = await client.SendAsync("/api/users?x=1");
        Assert.Equal("slow", inherited.Backend);
        Assert.Equal("/v2/users", inherited.Echo.Path);
        Assert.Equal("?x=1", inherited.Echo.Query);

        // Inherited timeout: 300ms against a 2s backend.
        var watch = Stopwatch.StartNew();
        var timedOut = await client.SendAsync("/api/users?delay=2000");
        Assert.Equal(HttpStatusCode.GatewayTimeout, timedOut.Status);
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(1.5), $"took {watch.Elapsed}");

        // The child overrides the timeout and still inherits prefixRewrite.
        var patient = await client.SendAsync("/api/patient/1?delay=600");
        Assert.Equal("/v2/1", patient.Echo.Path);
        Assert.Equal("?delay=600", patient.Echo.Query);
    }

    [Fact]
    public async Task NestedDelegation_VirtualServiceToTableToTable()
    {
        await using var backends = await BackendSet.StartAsync("deep", "middle", "top");
        await using var gateway = await GatewayFixture.StartAsync(g =>
        {
            g.WriteFile("upstreams.yaml", backends.UpstreamsYaml());
            g.WriteFile("rt-inner.yaml", RouteYaml.RouteTable("inner", RouteYaml.Route("prefix: /a/b/c", "deep")));
            g.WriteFile("rt-outer.yaml", RouteYaml.RouteTable("outer", """
                - matchers:
                    - prefix: /a/b
                  delegateAction:
                    ref: {name: inner, namespace: default}
                """ + "\n" + RouteYaml.Route("prefix: /a", "middle")));
            g.WriteFile("vs.yaml", RouteYaml.VirtualService("vs", """
                - matchers:
                    - prefix: /a
                  delegateAction:
                    ref: {name: outer, namespace: default}
                """ + "\n" + RouteYaml.Route("prefix: /", "top")));
        });
        using var client = gateway.CreateClient();

        var deep = await client.SendAsync("/a/b/c/d");
        Assert.Equal("deep", deep.Backend);
        Assert.Equal("/a/b/c/d", deep.Echo.Path);
        Assert.Equal("middle", await client.WhoAnswersAsync("/a/b/x"));
        Assert.Equal("middle", await client.WhoAnswersAsync("/a/x"));
        Assert.Equal("top", await client.WhoAnswersAsync("/z"));
    }

    [Fact]
    public async Task RegexChildRoute_MatchesOnlyUnderTheParentPrefix()
    {
        await using var backends = await BackendSet.StartAsync("special", "rest");
        await using var gateway = await GatewayFixture.StartAsync(g =>
        {
            g.WriteFile("upstreams.yaml", backends.UpstreamsYaml());
            g.WriteFile("rt.yaml", RouteYaml.RouteTable("children", RouteYaml.Route("regex: '/.*/special'", "special")));
            g.WriteFile("vs.yaml", RouteYaml.VirtualService("vs", """
                - matchers:
                    - prefix: /api
                  delegateAction:
                    ref: {name: children}
                """ + "\n" + RouteYaml.Route("prefix: /", "rest")));
        });
        using var client = gateway.CreateClient();

        Assert.Equal("special", await client.WhoAnswersAsync("/api/x/special"));
        Assert.Equal("rest", await client.WhoAnswersAsync("/other/x/special"));
        Assert.Equal("rest", await client.WhoAnswersAsync("/x/api/special"));
        Assert.Equal("rest", await client.WhoAnswersAsync("/api/x/special/more"));
        Assert.Equal(1, backends["special"].RequestCount);
    }
}
