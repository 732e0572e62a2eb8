using System.Text.Json;
using Sluice.EndToEnd.Tests.Harness;

namespace Sluice.EndToEnd.Tests.Tools;

/// <summary><c>sluice get</c> and <c>sluice check</c> against a running gateway and offline, as CI and cron use them.</summary>
public sealed class GetAndCheckTests
{
    [Fact]
    public async Task Get_TableShowsStatusAndReason_YamlAndJsonShowEverything()
    {
        await using var scenario = await ToolsScenario.StartAsync();

        var table = await scenario.RunAsync("get", "vs", "--admin", scenario.AdminUrl);
        Assert.Equal(0, table.Exit);
        var lines = table.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.StartsWith("KIND", lines[0], StringComparison.Ordinal);
        var broken = Assert.Single(lines, l => l.Contains(" broken ", StringComparison.Ordinal));
        Assert.Contains("Rejected", broken, StringComparison.Ordinal);
        Assert.Contains("missing-upstream", broken, StringComparison.Ordinal);
        Assert.Contains(lines, l => l.Contains(" shop ", StringComparison.Ordinal) && l.Contains("Accepted", StringComparison.Ordinal));
        Assert.DoesNotContain(lines, l => l.StartsWith("Upstream", StringComparison.Ordinal));

        var yaml = await scenario.RunAsync("get", "virtualservices", "shop", "-o", "yaml", "--admin", scenario.AdminUrl);
        Assert.Contains("kind: VirtualService", yaml.Stdout, StringComparison.Ordinal);
        Assert.Contains("status:\n  state: Accepted", yaml.Stdout, StringComparison.Ordinal);

        var json = await scenario.RunAsync("get", "us", "-o", "json", "--config", scenario.Gateway.ConfigDirectory);
        using var upstreams = JsonDocument.Parse(json.Stdout);
        Assert.Equal(["shop", "sick"], upstreams.RootElement.EnumerateArray().Select(u => u.GetProperty("name").GetString()));

        var unknown = await scenario.RunAsync("get", "widgets", "--admin", scenario.AdminUrl);
        Assert.Equal(2, unknown.Exit);
    }

    [Fact]
    public async Task Check_ReportsRejectedAndUnhealthy_OneLineEach_AndFails()
    {
        await using var scenario = await ToolsScenario.StartAsync();
        await scenario.WaitForSickAsync();

        var online = await scenario.RunAsync("check", "--admin", scenario.AdminUrl);
        Assert.Equal(1, online.Exit);
        var lines = online.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Contains(lines, l => l.StartsWith("error rejected VirtualService default/broken: ", StringComparison.Ordinal) && l.Contains("broken.yaml:", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.StartsWith("error no-healthy-endpoint Upstream default/sick: 0 of 1 endpoints healthy", StringComparison.Ordinal));
        Assert.StartsWith("2 problems", lines[^1], StringComparison.Ordinal);

        // Offline there is no live health: only the configuration's own problems.
        var offline = await scenario.RunAsync("check", "--config", scenario.Gateway.ConfigDirectory);
        Assert.Equal(1, offline.Exit);
        Assert.DoesNotContain("no-healthy-endpoint", offline.Stdout, StringComparison.Ordinal);
        Assert.Contains("error rejected VirtualService default/broken", offline.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Check_HealthyGateway_ExitsZero()
    {
        await using var backend = await TestBackend.StartAsync("ok");
        await using var gateway = await GatewayFixture.StartAsync(g =>
        {
            g.WriteFile("upstream.yaml", Yaml.Upstream("ok", backend.Port));
            g.WriteFile("vs.yaml", Yaml.VirtualService("ok", Yaml.PrefixRoute("/", "ok")));
        });

        var result = await Cli.SluiceProcess.RunAsync(["check", "--admin", $"127.0.0.1:{gateway.AdminPort}", "--expiry-days", "30"]);

        Assert.Equal(0, result.Exit);
        Assert.StartsWith("ok: 4 resources, 1 upstreams, 0 certificates (live endpoint health)", result.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AdminToken_IsSentFromTheTokenFile_AndItsAbsenceIsExplained()
    {
        await using var backend = await TestBackend.StartAsync("ok");
        await using var gateway = await GatewayFixture.StartAsync(
            g =>
            {
                g.WriteFile("upstream.yaml", Yaml.Upstream("ok", backend.Port));
                g.WriteFile("vs.yaml", Yaml.VirtualService("ok", Yaml.PrefixRoute("/", "ok")));
            },
            runOptions: options => options with { AdminToken = "tools-token" });
        var tokenFile = Path.Combine(gateway.StateDirectory, "..", "admin-token");
        await File.WriteAllTextAsync(tokenFile, "tools-token\n");

        var without = await Cli.SluiceProcess.RunAsync(["get", "vs", "--admin", $"127.0.0.1:{gateway.AdminPort}"]);
        Assert.Equal(2, without.Exit);
        Assert.Contains("requires a token", without.Stderr, StringComparison.Ordinal);

        var with = await Cli.SluiceProcess.RunAsync(["get", "vs", "--admin", $"127.0.0.1:{gateway.AdminPort}", "--admin-token-file", tokenFile]);
        Assert.Equal(0, with.Exit);
        Assert.Contains("Accepted", with.Stdout, StringComparison.Ordinal);
    }
}
