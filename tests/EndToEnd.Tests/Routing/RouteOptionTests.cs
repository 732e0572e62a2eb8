using System.Diagnostics;
using System.Net;
using Sluice.EndToEnd.Tests.Harness;
using Sluice.EndToEnd.Tests.Routing.Support;

namespace Sluice.EndToEnd.Tests.Routing;

/// <summary>Route options that shape the forwarded request: rewrites, Host, timeout, and the forwarding headers.</summary>
public sealed class RouteOptionTests
{
    [Fact]
    public async Task PrefixRewrite_ReplacesTheMatchedPrefix_AndKeepsTheQuery()
    {
        await using var backends = await BackendSet.StartAsync("a");
        await using var gateway = await GatewayFixture.StartAsync(g =>
        {
            g.WriteFile("upstreams.yaml", backends.UpstreamsYaml());
            g.WriteFile("vs.yaml", RouteYaml.VirtualService("vs",
                RouteYaml.Route("prefix: /api/v2", "a", options: "prefixRewrite: /v2/internal") +
                RouteYaml.Route("prefix: /api", "a", options: "prefixRewrite: /") +
                RouteYaml.Route("exact: /legacy", "a", options: "prefixRewrite: /modern/home") +
                RouteYaml.Route("prefix: /", "a")));
        });
        using var client = gateway.CreateClient();

        var users = await client.SendAsync("/api/users?page=2&sort=name");
        Assert.Equal("/users", users.Echo.Path);
        Assert.Equal("?page=2&sort=name", users.Echo.Query);
        Assert.Equal("/users?page=2&sort=name", users.Echo.RawTarget);

        Assert.Equal("/", (await client.SendAsync("/api")).Echo.Path);
        Assert.Equal("/", (await client.SendAsync("/api/")).Echo.Path);
        Assert.Equal("/x", (await client.SendAsync("/apix")).Echo.Path);
        Assert.Equal("/v2/internal/orders/1", (await client.SendAsync("/api/v2/orders/1")).Echo.Path);
        Assert.Equal("/modern/home", (await client.SendAsync("/legacy?from=bookmark")).Echo.Path);
        Assert.Equal("/untouched/api", (await client.SendAsync("/untouched/api")).Echo.Path);
    }

    [Fact]
    public async Task RegexRewrite_SubstitutesWithCaptureGroups()
    {
        await using var backends = await BackendSet.StartAsync("a");
        await using var gateway = await GatewayFixture.StartAsync(g =>
        {
            g.WriteFile("upstreams.yaml", backends.UpstreamsYaml());
            g.WriteFile("vs.yaml", RouteYaml.VirtualService("vs",
                RouteYaml.Route("prefix: /service", "a", options: """
                    regexRewrite:
                      pattern:
                        regex: '^/service/([^/]+)(/.*)$'
                      substitution: '\2/instance/\1'
                    """) +
                RouteYaml.Route("prefix: /dashes", "a", options: """
                    regexRewrite:
                      pattern:
                        regex: '-'
                      substitution: '_'
                    """)));
        });
        using var client = gateway.CreateClient();

        var reply = await client.SendAsync("/service/foo/v1/api?debug=1");
        Assert.Equal("/v1/api/instance/foo", reply.Echo.Path);
        Assert.Equal("?debug=1", reply.Echo.Query);

        // Every match is replaced, as RE2's GlobalReplace in Envoy.
        Assert.Equal("/dashes/a_b_c", (await client.SendAsync("/dashes/a-b-c")).Echo.Path);
        Assert.Equal(2, backends["a"].RequestCount);
    }

    [Fact]
    public async Task HostRewrite_SetsTheUpstreamHost_OtherwiseTheClientsHostIsForwarded()
    {
        await using var backends = await BackendSet.StartAsync("a");
        await using var gateway = await GatewayFixture.StartAsync(g =>
        {
            g.WriteFile("upstreams.yaml", backends.UpstreamsYaml());
            g.WriteFile("vs.yaml", RouteYaml.VirtualService("vs",
                RouteYaml.Route("prefix: /rewritten", "a", options: "hostRewrite: internal.svc.local") +
                RouteYaml.Route("prefix: /", "a")));
        });
        using var client = gateway.CreateClient();

        var rewritten = await client.SendAsync("/rewritten", host: "public.example.com");
        Assert.Equal("internal.svc.local", rewritten.Echo.Host);
        Assert.Equal("internal.svc.local", rewritten.Echo.Headers["host"]);

        var kept = await client.SendAsync("/kept", host: $"public.example.com:{gateway.HttpPort}");
        Assert.Equal($"public.example.com:{gateway.HttpPort}", kept.Echo.Host);

        using var h2 = gateway.CreateClient(HttpVersion.Version20);
        var keptOverH2 = await h2.SendAsync("/kept", host: "h2.example.com");
        Assert.Equal(HttpVersion.Version20, keptOverH2.Version);
        Assert.Equal("h2.example.com", keptOverH2.Echo.Host);
    }

    [Fact]
    public async Task Timeout_Answers504Fast_AndZeroDisablesIt()
    {
        await using var slow = await TestBackend.StartAsync("slow", async context =>
        {
            await Task.Delay(int.Parse(context.Request.Query["delay"]!, System.Globalization.CultureInfo.InvariantCulture), context.RequestAborted);
            await TestBackend.Echo(context, "slow");
        });
        await using var gateway = await GatewayFixture.StartAsync(g =>
        {
            g.WriteFile("upstreams.yaml", RouteYaml.Upstream("slow", slow.Port));
            g.WriteFile("vs.yaml", RouteYaml.VirtualService("vs",
                RouteYaml.Route("prefix: /bounded", "slow", options: "timeout: 300ms") +
                RouteYaml.Route("prefix: /unbounded", "slow", options: "timeout: 0s")));
        });
        using var client = gateway.CreateClient();

        var watch = Stopwatch.StartNew();
        var timedOut = await client.SendAsync("/bounded?delay=2000");
        var elapsed = watch.Elapsed;
        Assert.Equal(HttpStatusCode.GatewayTimeout, timedOut.Status);
        Assert.True(elapsed >= TimeSpan.FromMilliseconds(250), $"504 after only {elapsed}");
        Assert.True(elapsed < TimeSpan.FromSeconds(1.5), $"504 took {elapsed}");

        // Under the timeout, the answer passes.
        Assert.Equal("slow", (await client.SendAsync("/bounded?delay=10")).Backend);

        watch.Restart();
        var unbounded = await client.SendAsync("/unbounded?delay=1000");
        Assert.Equal("slow", unbounded.Backend);
        Assert.True(watch.Elapsed >= TimeSpan.FromMilliseconds(900), $"answered after {watch.Elapsed}");
    }

    [Fact]
    public async Task ForwardingHeaders_ReachTheBackend()
    {
        await using var backends = await BackendSet.StartAsync("a");
        await using var gateway = await GatewayFixture.StartAsync(g =>
        {
            g.WriteFile("upstreams.yaml", backends.UpstreamsYaml());
            g.WriteFile("vs.yaml", RouteYaml.VirtualService("vs", RouteYaml.Route("prefix: /", "a")));
        });
        using var client = gateway.CreateClient();

        var direct = (await client.SendAsync("/")).Echo;
        Assert.Equal("127.0.0.1", direct.Headers["x-forwarded-for"]);
        Assert.Equal("http", direct.Headers["x-forwarded-proto"]);

        // With no trusted proxy configured, what the client wrote is replaced by the peer; it cannot choose the proto.
        var proxied = (await client.GetWithHeadersAsync("/", ("X-Forwarded-For", "203.0.113.9"), ("X-Forwarded-Proto", "https"))).Echo;
        Assert.Equal("127.0.0.1", proxied.Headers["x-forwarded-for"]);
        Assert.Equal("http", proxied.Headers["x-forwarded-proto"]);
    }
}
