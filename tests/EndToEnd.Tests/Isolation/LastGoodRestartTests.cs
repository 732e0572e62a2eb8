using System.Net;
using Sluice.EndToEnd.Tests.Harness;
using Sluice.EndToEnd.Tests.Reload;

namespace Sluice.EndToEnd.Tests.Isolation;

/// <summary>
/// The last accepted configuration is kept in the state directory, so a restart with broken input still serves it
/// (Gloo loses it: kgateway#8412), and a state file that cannot be used never keeps the gateway from starting.
/// </summary>
public sealed class LastGoodRestartTests
{
    public static TheoryData<string, string> Breakages => new()
    {
        { "unknown field", "prefix: /svc\n            matcher: oops" },
        { "YAML syntax error", "prefix: [/svc" },
        { "bad regex", "regex: '/svc/(['" },
    };

    [Theory]
    [MemberData(nameof(Breakages))]
    public async Task LastGood_SurvivesARestart_WithTheFileBrokenWhileStopped(string breakage, string brokenMatcher)
    {
        await using var a = await TestBackend.StartAsync("a");
        await using var gateway = await GatewayFixture.StartAsync(g =>
        {
            g.WriteFile("upstreams.yaml", Yaml.Upstream("a", a.Port));
            g.WriteFile("svc.yaml", Service("prefix: /svc"));
        });
        using (var client = gateway.CreateClient())
        {
            Assert.Equal("a", (await Probe.SendAsync(client, "svc.test", "/svc")).Backend);
        }

        await gateway.StopAsync();
        gateway.WriteFile("svc.yaml", Service(brokenMatcher));
        var logged = gateway.Log.Lines.Count;
        await gateway.RestartAsync();

        using var restarted = gateway.CreateClient();
        Assert.Equal("a", (await Probe.SendAsync(restarted, "svc.test", "/svc")).Backend);
        var status = await gateway.GetStatusAsync("VirtualService", "svc");
        Assert.Equal("Rejected", status.GetProperty("status").GetString());
        Assert.True(status.GetProperty("servingLastGood").GetBoolean(), breakage);

        var lines = gateway.Log.Lines.Skip(logged).ToList();
        Assert.Contains(lines, l => l.Contains("Loaded 4 last good resources", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.Contains("VirtualService default/svc", StringComparison.Ordinal)
            && l.Contains("last accepted version", StringComparison.Ordinal));
    }

    [Fact]
    public async Task LastGood_WithTheFileDeletedWhileStopped_IsNotResurrected()
    {
        await using var a = await TestBackend.StartAsync("a");
        await using var gateway = await GatewayFixture.StartAsync(g =>
        {
            g.WriteFile("upstreams.yaml", Yaml.Upstream("a", a.Port));
            g.WriteFile("svc.yaml", Service("prefix: /svc"));
        });

        await gateway.StopAsync();
        gateway.DeleteFile("svc.yaml");
        await gateway.RestartAsync();

        using var client = gateway.CreateClient();
        Assert.Equal(HttpStatusCode.NotFound, (await Probe.SendAsync(client, "svc.test", "/svc")).Status);
        await Assert.ThrowsAsync<InvalidOperationException>(() => gateway.GetStatusAsync("VirtualService", "svc"));
    }

    public static TheoryData<string, string> CorruptStates => new()
    {
        { "truncated JSON", "{\"resources\":[{\"kind\":\"VirtualService\"," },
        { "not JSON", "\u0000\u0001garbage\u00ff" },
        { "empty file", string.Empty },
        { "JSON of the wrong shape", "[1, 2, 3]" },
        { "empty object", "{}" },
        { "null", "null" },
        { "entries without fields", "{\"resources\":[{}],\"texts\":{}}" },
        { "entry pointing at a missing text", "{\"resources\":[{\"kind\":\"VirtualService\",\"namespace\":\"default\",\"name\":\"old\",\"file\":\"/nowhere/old.yaml\",\"text\":\"ABC\"}],\"texts\":{}}" },
    };

    [Theory]
    [MemberData(nameof(CorruptStates))]
    public async Task ACorruptStateFileAtStartup_IsReported_AndTheCurrentFilesServe(string corruption, string content)
    {
        await using var a = await TestBackend.StartAsync("a");
        var stateDirectory = Path.Combine(Path.GetTempPath(), "sluice-e2e-state-" + Guid.NewGuid().ToString("N")[..12]);
        Directory.CreateDirectory(stateDirectory);
        var stateFile = Path.Combine(stateDirectory, "last-good.json");
        await File.WriteAllTextAsync(stateFile, content);
        try
        {
            await using var gateway = await GatewayFixture.StartAsync(
                g =>
                {
                    g.WriteFile("upstreams.yaml", Yaml.Upstream("a", a.Port));
                    g.WriteFile("svc.yaml", Service("prefix: /svc"));
                },
                stateDirectory: stateDirectory);

            using var client = gateway.CreateClient();
            Assert.Equal("a", (await Probe.SendAsync(client, "svc.test", "/svc")).Backend);
            using var admin = gateway.CreateAdminClient();
            Assert.Equal(HttpStatusCode.OK, (await admin.GetAsync("/readyz")).StatusCode);

            var line = Assert.Single(gateway.Log.Lines, l => l.Contains("last good resources from", StringComparison.Ordinal));
            Assert.True(line.Contains("could not be read", StringComparison.Ordinal), $"{corruption}: {line}");
            Assert.Contains(stateFile, line, StringComparison.Ordinal);
            Assert.Contains("starting without", line, StringComparison.Ordinal);

            // The first snapshot replaced the corrupt file with a good one.
            Assert.Contains("VirtualService", await File.ReadAllTextAsync(stateFile), StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(stateDirectory, recursive: true);
        }
    }

    private static string Service(string matcher) => $"""
        apiVersion: gateway.sluice.dev/v1
        kind: VirtualService
        metadata:
          name: svc
          namespace: default
        spec:
          virtualHost:
            domains: ['svc.test']
            routes:
              - matchers:
                  - {matcher}
                routeAction:
                  single:
                    upstream: {"{"}name: a{"}"}

        """;
}
