using System.Net;
using Sluice.EndToEnd.Tests.Harness;
using Sluice.EndToEnd.Tests.Reload;

namespace Sluice.EndToEnd.Tests.Isolation;

/// <summary>
/// A broken resource is rejected alone, with a precise reason, and what served before keeps serving: another
/// tenant's routes, the broken resource's own last accepted version, the resources of a file that no longer parses,
/// and a domain's incumbent owner.
/// </summary>
public sealed class IsolationTests
{
    /// <summary>Line 15, column 9 is the unknown field <c>timeoutt</c>.</summary>
    private const string BrokenVirtualService = """
        apiVersion: gateway.sluice.dev/v1
        kind: VirtualService
        metadata:
          name: broken
          namespace: default
        spec:
          virtualHost:
            domains: ['broken.test']
            routes:
              - matchers:
                  - prefix: /
                routeAction:
                  single:
                    upstream: {name: a}
                timeoutt: 5s

        """;

    [Fact]
    public async Task ABrokenVirtualService_IsRejectedAlone_WithFileLineAndField()
    {
        await using var a = await TestBackend.StartAsync("a");
        await using var gateway = await GatewayFixture.StartAsync(g =>
        {
            g.WriteFile("upstreams.yaml", Yaml.Upstream("a", a.Port));
            g.WriteFile("good.yaml", Yaml.VirtualService("good", Yaml.PrefixRoute("/", "a"), "good.test"));
        });
        using var client = gateway.CreateClient();

        await gateway.ApplyAsync(() => gateway.WriteFile("broken.yaml", BrokenVirtualService));

        Assert.Equal("a", (await Probe.SendAsync(client, "good.test", "/x")).Backend);
        Assert.Equal(HttpStatusCode.NotFound, (await Probe.SendAsync(client, "broken.test", "/x")).Status);

        var status = await gateway.GetStatusAsync("VirtualService", "broken");
        Assert.Equal("Rejected", status.GetProperty("status").GetString());
        Assert.False(status.GetProperty("served").GetBoolean());
        Assert.False(status.GetProperty("servingLastGood").GetBoolean());
        var reason = Assert.Single(status.GetProperty("reasons").EnumerateArray());
        Assert.Equal("error", reason.GetProperty("severity").GetString());
        Assert.Equal(Path.Combine(gateway.ConfigDirectory, "broken.yaml"), reason.GetProperty("file").GetString());
        Assert.Equal(15, reason.GetProperty("line").GetInt32());
        Assert.Equal(9, reason.GetProperty("column").GetInt32());
        Assert.Equal("virtualHost.routes[0].timeoutt", reason.GetProperty("field").GetString());
        Assert.Contains("unknown field 'timeoutt'", reason.GetProperty("message").GetString(), StringComparison.Ordinal);

        var good = await gateway.GetStatusAsync("VirtualService", "good");
        Assert.Equal("Accepted", good.GetProperty("status").GetString());
        Assert.True(good.GetProperty("served").GetBoolean());
    }

    [Fact]
    public async Task ABrokenVirtualServiceAtStartup_DoesNotKeepTheOthersFromServing()
    {
        await using var a = await TestBackend.StartAsync("a");
        await using var gateway = await GatewayFixture.StartAsync(g =>
        {
            g.WriteFile("upstreams.yaml", Yaml.Upstream("a", a.Port));
            g.WriteFile("broken.yaml", BrokenVirtualService);
            g.WriteFile("good.yaml", Yaml.VirtualService("good", Yaml.PrefixRoute("/", "a"), "good.test"));
        });
        using var client = gateway.CreateClient();

        Assert.Equal("a", (await Probe.SendAsync(client, "good.test", "/x")).Backend);
        Assert.Equal("Rejected", (await gateway.GetStatusAsync("VirtualService", "broken")).GetProperty("status").GetString());
        Assert.Equal("Accepted", (await gateway.GetStatusAsync("VirtualService", "good")).GetProperty("status").GetString());
    }

    [Fact]
    public async Task AnAcceptedVirtualServiceThatBecomesInvalid_ServesItsLastGoodVersion_UntilFixed()
    {
        await using var a = await TestBackend.StartAsync("a");
        await using var b = await TestBackend.StartAsync("b");
        await using var gateway = await GatewayFixture.StartAsync(g =>
        {
            g.WriteFile("upstreams.yaml", Yaml.Upstream("a", a.Port) + "---\n" + Yaml.Upstream("b", b.Port));
            g.WriteFile("vs.yaml", Yaml.VirtualService("vs", Yaml.PrefixRoute("/app", "a"), "app.test"));
        });
        using var client = gateway.CreateClient();
        Assert.Equal("a", (await Probe.SendAsync(client, "app.test", "/app")).Backend);

        // The new version moves the route to b and, in the same edit, adds a route with a bad regex: none of it applies.
        var broken = Yaml.VirtualService("vs", Yaml.PrefixRoute("/app", "b") + """
                  - matchers:
                      - regex: '/v[0-9'
                    routeAction:
                      single:
                        upstream: {name: b}

            """, "app.test");
        await gateway.ApplyAsync(() => gateway.WriteFile("vs.yaml", broken));

        Assert.Equal("a", (await Probe.SendAsync(client, "app.test", "/app")).Backend);
        var status = await gateway.GetStatusAsync("VirtualService", "vs");
        Assert.Equal("Rejected", status.GetProperty("status").GetString());
        Assert.True(status.GetProperty("served").GetBoolean());
        Assert.True(status.GetProperty("servingLastGood").GetBoolean());
        var reason = Assert.Single(status.GetProperty("reasons").EnumerateArray());
        Assert.Equal("virtualHost.routes[1].matchers[0].regex", reason.GetProperty("field").GetString());
        Assert.Equal(Path.Combine(gateway.ConfigDirectory, "vs.yaml"), reason.GetProperty("file").GetString());
        Assert.Equal(17, reason.GetProperty("line").GetInt32());
        Assert.Equal(20, reason.GetProperty("column").GetInt32());

        // Another unrelated reload must not lose the fallback.
        await gateway.ApplyAsync(() => gateway.WriteFile("other.yaml", Yaml.VirtualService("other", Yaml.PrefixRoute("/", "b"), "other.test")));
        Assert.Equal("a", (await Probe.SendAsync(client, "app.test", "/app")).Backend);
        Assert.True((await gateway.GetStatusAsync("VirtualService", "vs")).GetProperty("servingLastGood").GetBoolean());

        await gateway.ApplyAsync(() => gateway.WriteFile("vs.yaml", Yaml.VirtualService("vs", Yaml.PrefixRoute("/app", "b"), "app.test")));

        Assert.Equal("b", (await Probe.SendAsync(client, "app.test", "/app")).Backend);
        status = await gateway.GetStatusAsync("VirtualService", "vs");
        Assert.Equal("Accepted", status.GetProperty("status").GetString());
        Assert.False(status.GetProperty("servingLastGood").GetBoolean());
        Assert.Equal(0, status.GetProperty("reasons").GetArrayLength());
    }

    [Fact]
    public async Task AFileWithAYamlSyntaxError_DoesNotDeleteTheResourcesItDefined()
    {
        await using var a = await TestBackend.StartAsync("a");
        await using var gateway = await GatewayFixture.StartAsync(g =>
        {
            g.WriteFile("app.yaml", Yaml.Upstream("a", a.Port) + "---\n" + Yaml.VirtualService("vs", Yaml.PrefixRoute("/app", "a"), "app.test"));
            g.WriteFile("single.yaml", Yaml.VirtualService("single", Yaml.PrefixRoute("/single", "a"), "single.test"));
        });
        using var client = gateway.CreateClient();
        Assert.Equal("a", (await Probe.SendAsync(client, "app.test", "/app")).Backend);
        Assert.Equal("a", (await Probe.SendAsync(client, "single.test", "/single")).Backend);

        // The second document of app.yaml loses a closing quote; single.yaml is cut off inside a flow mapping.
        var app = Yaml.Upstream("a", a.Port) + "---\n" + Yaml.VirtualService("vs", Yaml.PrefixRoute("/app", "a"), "app.test").Replace("['app.test']", "['app.test]", StringComparison.Ordinal);
        await gateway.ApplyAsync(() =>
        {
            gateway.WriteFile("app.yaml", app);
            gateway.WriteFile("single.yaml", "apiVersion: gateway.sluice.dev/v1\nkind: VirtualService\nmetadata: {name: single\n");
        });

        Assert.Equal("a", (await Probe.SendAsync(client, "app.test", "/app")).Backend);
        Assert.Equal("a", (await Probe.SendAsync(client, "single.test", "/single")).Backend);
        foreach (var name in new[] { "vs", "single" })
        {
            var status = await gateway.GetStatusAsync("VirtualService", name);
            Assert.True(status.GetProperty("served").GetBoolean(), name);
            Assert.True(status.GetProperty("servingLastGood").GetBoolean(), name);
            Assert.NotEqual(0, status.GetProperty("reasons").GetArrayLength());
        }

        // The documents are parsed one by one: the first document of app.yaml still reads and is current.
        Assert.Equal("Accepted", (await gateway.GetStatusAsync("Upstream", "a")).GetProperty("status").GetString());
        using var config = await gateway.GetAdminConfigAsync();
        var problems = config.RootElement.GetProperty("fileProblems").EnumerateArray().ToList();
        Assert.Contains(problems, p => p.GetProperty("file").GetString() == Path.Combine(gateway.ConfigDirectory, "app.yaml")
            && p.GetProperty("message").GetString()!.Contains("invalid YAML", StringComparison.Ordinal)
            && p.GetProperty("line").GetInt32() > 12);
        Assert.Contains(problems, p => p.GetProperty("file").GetString() == Path.Combine(gateway.ConfigDirectory, "single.yaml"));

        // Fixing the file serves the fixed version.
        await gateway.ApplyAsync(() => gateway.WriteFile("app.yaml", Yaml.Upstream("a", a.Port) + "---\n" + Yaml.VirtualService("vs", Yaml.PrefixRoute("/fixed", "a"), "app.test")));
        Assert.Equal(HttpStatusCode.NotFound, (await Probe.SendAsync(client, "app.test", "/app")).Status);
        Assert.Equal("a", (await Probe.SendAsync(client, "app.test", "/fixed")).Backend);
        Assert.Equal("Accepted", (await gateway.GetStatusAsync("VirtualService", "vs")).GetProperty("status").GetString());
    }

    /// <summary>
    /// An unclosed flow sequence followed by more block content makes YamlDotNet throw InvalidOperationException
    /// rather than a YamlException. On a reload that exception escaped the watcher's timer and ended the process.
    /// </summary>
    [Fact]
    public async Task AFileThatTripsTheYamlParser_NeitherCrashesTheGateway_NorDeletesItsResources()
    {
        await using var a = await TestBackend.StartAsync("a");
        await using var gateway = await GatewayFixture.StartAsync(g =>
        {
            g.WriteFile("upstreams.yaml", Yaml.Upstream("a", a.Port));
            g.WriteFile("vs.yaml", Yaml.VirtualService("vs", Yaml.PrefixRoute("/app", "a"), "app.test"));
            g.WriteFile("other.yaml", Yaml.VirtualService("other", Yaml.PrefixRoute("/", "a"), "other.test"));
        });
        using var client = gateway.CreateClient();

        await gateway.ApplyAsync(() => gateway.WriteFile("vs.yaml", Yaml.VirtualService("vs", Yaml.PrefixRoute("/app", "a"), "app.test").Replace("prefix: /app", "prefix: [/app", StringComparison.Ordinal)));

        Assert.Equal("a", (await Probe.SendAsync(client, "app.test", "/app")).Backend);
        Assert.Equal("a", (await Probe.SendAsync(client, "other.test", "/x")).Backend);
        var status = await gateway.GetStatusAsync("VirtualService", "vs");
        Assert.True(status.GetProperty("servingLastGood").GetBoolean());
        using (var config = await gateway.GetAdminConfigAsync())
        {
            var problem = Assert.Single(config.RootElement.GetProperty("fileProblems").EnumerateArray());
            Assert.Equal(Path.Combine(gateway.ConfigDirectory, "vs.yaml"), problem.GetProperty("file").GetString());
            Assert.StartsWith("invalid YAML", problem.GetProperty("message").GetString(), StringComparison.Ordinal);
        }

        // The watcher is still alive: the next change applies.
        await gateway.ApplyAsync(() => gateway.WriteFile("vs.yaml", Yaml.VirtualService("vs", Yaml.PrefixRoute("/v2", "a"), "app.test")));
        Assert.Equal("a", (await Probe.SendAsync(client, "app.test", "/v2")).Backend);
        Assert.Equal("Accepted", (await gateway.GetStatusAsync("VirtualService", "vs")).GetProperty("status").GetString());
    }

    [Fact]
    public async Task ANewVirtualServiceReferencingAMissingUpstream_IsRejected_UntilTheUpstreamExists()
    {
        await using var a = await TestBackend.StartAsync("a");
        await using var gateway = await GatewayFixture.StartAsync(g =>
        {
            g.WriteFile("upstreams.yaml", Yaml.Upstream("a", a.Port));
            g.WriteFile("good.yaml", Yaml.VirtualService("good", Yaml.PrefixRoute("/", "a"), "good.test"));
        });
        using var client = gateway.CreateClient();

        await gateway.ApplyAsync(() => gateway.WriteFile("orphan.yaml", Yaml.VirtualService("orphan", Yaml.PrefixRoute("/", "nowhere"), "orphan.test")));

        Assert.Equal(HttpStatusCode.NotFound, (await Probe.SendAsync(client, "orphan.test", "/x")).Status);
        Assert.Equal("a", (await Probe.SendAsync(client, "good.test", "/x")).Backend);
        var status = await gateway.GetStatusAsync("VirtualService", "orphan");
        Assert.Equal("Rejected", status.GetProperty("status").GetString());
        Assert.False(status.GetProperty("served").GetBoolean());
        var reason = Assert.Single(status.GetProperty("reasons").EnumerateArray());
        Assert.Equal("virtualHost.routes[0].routeAction.single.upstream", reason.GetProperty("field").GetString());
        Assert.Contains("Upstream default/nowhere does not exist", reason.GetProperty("message").GetString(), StringComparison.Ordinal);
        Assert.EndsWith("orphan.yaml", reason.GetProperty("file").GetString(), StringComparison.Ordinal);

        await gateway.ApplyAsync(() => gateway.WriteFile("nowhere.yaml", Yaml.Upstream("nowhere", a.Port)));
        Assert.Equal("a", (await Probe.SendAsync(client, "orphan.test", "/x")).Backend);
        Assert.Equal("Accepted", (await gateway.GetStatusAsync("VirtualService", "orphan")).GetProperty("status").GetString());
    }

    [Fact]
    public async Task ANewVirtualServiceStealingADomain_IsRejected_AndTheIncumbentKeepsIt()
    {
        await using var owner = await TestBackend.StartAsync("owner");
        await using var thief = await TestBackend.StartAsync("thief");
        await using var gateway = await GatewayFixture.StartAsync(g =>
        {
            g.WriteFile("upstreams.yaml", Yaml.Upstream("owner", owner.Port) + "---\n" + Yaml.Upstream("thief", thief.Port));
            g.WriteFile("shop.yaml", Yaml.VirtualService("shop", Yaml.PrefixRoute("/", "owner"), "shop.test"));
        });
        using var client = gateway.CreateClient();

        // The newcomer sorts first by name and file, so only the incumbency rule can keep the owner in place.
        await gateway.ApplyAsync(() => gateway.WriteFile("aaa-thief.yaml", Yaml.VirtualService("aaa-thief", Yaml.PrefixRoute("/", "thief"), "extra.test", "shop.test")));

        Assert.Equal("owner", (await Probe.SendAsync(client, "shop.test", "/x")).Backend);
        Assert.Equal(HttpStatusCode.NotFound, (await Probe.SendAsync(client, "extra.test", "/x")).Status);
        var status = await gateway.GetStatusAsync("VirtualService", "aaa-thief");
        Assert.Equal("Rejected", status.GetProperty("status").GetString());
        Assert.False(status.GetProperty("served").GetBoolean());
        var reason = Assert.Single(status.GetProperty("reasons").EnumerateArray());
        Assert.Equal("virtualHost.domains[1]", reason.GetProperty("field").GetString());
        Assert.Contains("shop.test", reason.GetProperty("message").GetString(), StringComparison.Ordinal);
        Assert.Equal("Accepted", (await gateway.GetStatusAsync("VirtualService", "shop")).GetProperty("status").GetString());

        // A restart has no previous snapshot to name the incumbent, but the owner's last good version still holds the domain.
        await gateway.RestartAsync();
        using var restarted = gateway.CreateClient();
        Assert.Equal("owner", (await Probe.SendAsync(restarted, "shop.test", "/x")).Backend);
        Assert.Equal(HttpStatusCode.NotFound, (await Probe.SendAsync(restarted, "extra.test", "/x")).Status);
        Assert.False((await gateway.GetStatusAsync("VirtualService", "aaa-thief")).GetProperty("served").GetBoolean());

        // The incumbent may change its own routes while the conflict stands.
        await gateway.ApplyAsync(() => gateway.WriteFile("shop.yaml", Yaml.VirtualService("shop", Yaml.PrefixRoute("/v2", "owner"), "shop.test")));
        Assert.Equal("owner", (await Probe.SendAsync(restarted, "shop.test", "/v2")).Backend);
        Assert.Equal(HttpStatusCode.NotFound, (await Probe.SendAsync(restarted, "shop.test", "/x")).Status);
        Assert.Equal("Accepted", (await gateway.GetStatusAsync("VirtualService", "shop")).GetProperty("status").GetString());

        // Once the incumbent lets the domain go, the other one may take it.
        await gateway.ApplyAsync(() => gateway.DeleteFile("shop.yaml"));
        Assert.Equal("thief", (await Probe.SendAsync(restarted, "shop.test", "/x")).Backend);
    }

    [Fact]
    public async Task DeletingAResourcesFile_RemovesIt_EvenWhenItWasServingLastGood()
    {
        await using var a = await TestBackend.StartAsync("a");
        await using var gateway = await GatewayFixture.StartAsync(g =>
        {
            g.WriteFile("upstreams.yaml", Yaml.Upstream("a", a.Port));
            g.WriteFile("keep.yaml", Yaml.VirtualService("keep", Yaml.PrefixRoute("/", "a"), "keep.test"));
            g.WriteFile("gone.yaml", Yaml.VirtualService("gone", Yaml.PrefixRoute("/", "a"), "gone.test"));
        });
        using var client = gateway.CreateClient();
        Assert.Equal("a", (await Probe.SendAsync(client, "gone.test", "/x")).Backend);

        // Broken first, so it serves its last good version; deleting it must still remove it, not resurrect it.
        await gateway.ApplyAsync(() => gateway.WriteFile("gone.yaml", "apiVersion: [\n"));
        Assert.Equal("a", (await Probe.SendAsync(client, "gone.test", "/x")).Backend);

        await gateway.ApplyAsync(() => gateway.DeleteFile("gone.yaml"));

        Assert.Equal(HttpStatusCode.NotFound, (await Probe.SendAsync(client, "gone.test", "/x")).Status);
        Assert.Equal("a", (await Probe.SendAsync(client, "keep.test", "/x")).Backend);
        using var config = await gateway.GetAdminConfigAsync();
        var resources = config.RootElement.GetProperty("resources").EnumerateArray().ToList();
        Assert.DoesNotContain(resources, r => r.GetProperty("name").GetString() == "gone");
        Assert.All(resources, r => Assert.Equal("Accepted", r.GetProperty("status").GetString()));
        Assert.Equal(0, config.RootElement.GetProperty("fileProblems").GetArrayLength());

        // And it stays gone across a restart: the state directory forgot it too.
        await gateway.RestartAsync();
        using var restarted = gateway.CreateClient();
        Assert.Equal(HttpStatusCode.NotFound, (await Probe.SendAsync(restarted, "gone.test", "/x")).Status);
        Assert.Equal("a", (await Probe.SendAsync(restarted, "keep.test", "/x")).Backend);
        Assert.DoesNotContain("gone", File.ReadAllText(Path.Combine(gateway.StateDirectory, "last-good.json")), StringComparison.Ordinal);
    }
}
