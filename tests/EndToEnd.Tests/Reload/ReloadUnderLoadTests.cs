using System.Diagnostics;
using System.Net;
using Microsoft.AspNetCore.Http;
using Sluice.EndToEnd.Tests.Harness;
using Xunit.Abstractions;

namespace Sluice.EndToEnd.Tests.Reload;

/// <summary>
/// "No request fails because of a config change": a steady load on one route while the configuration changes
/// many times, a tenth of the changes invalid, and requests in flight across a change finish where they started.
/// </summary>
public sealed class ReloadUnderLoadTests(ITestOutputHelper output)
{
    private const int Concurrency = 8;
    private const int Reloads = 30;
    private static readonly TimeSpan MinimumLoad = TimeSpan.FromSeconds(3);

    [Fact]
    public async Task ReloadsOfAnotherRoute_OneInTenInvalid_NeverFailARequest()
    {
        await using var a = await TestBackend.StartAsync("a", context => context.Response.WriteAsync("a"));
        await using var b = await TestBackend.StartAsync("b");
        await using var gateway = await GatewayFixture.StartAsync(g =>
        {
            g.WriteFile("upstreams.yaml", Yaml.Upstream("a", a.Port) + "---\n" + Yaml.Upstream("b", b.Port));
            g.WriteFile("vs-a.yaml", Yaml.VirtualService("vs-a", Yaml.PrefixRoute("/a", "a"), "a.test"));
            g.WriteFile(Path.Combine("tenants", "vs-b.yaml"), RouteB(0, breakage: null));
        });
        using var client = gateway.CreateClient();
        Assert.Equal("v0", (await Probe.GetTextAsync(client, "b.test", "/version")).Body);

        var watch = Stopwatch.StartNew();
        var load = LoadLoop.Start(gateway.HttpPort, "a.test", "/a", Concurrency, body => body == "a");
        await Probe.UntilAsync(watch, () => Task.FromResult(load.Succeeded >= Concurrency), "load running");

        var lastValid = 0;
        var invalid = 0;
        var applyTimes = new List<double>();
        for (var i = 1; i <= Reloads; i++)
        {
            // One in ten is invalid, alternating a bad regex and an unknown field.
            var breakage = i % 10 != 0 ? null : i % 20 == 0 ? "prefx: /b" : "regex: '/b/(['";
            var applying = Stopwatch.StartNew();
            await gateway.ApplyAsync(() => gateway.WriteFile(Path.Combine("tenants", "vs-b.yaml"), RouteB(i, breakage)));
            applyTimes.Add(applying.Elapsed.TotalMilliseconds);

            if (breakage is null)
            {
                lastValid = i;
                var expected = $"v{i}";
                await Probe.UntilAsync(applying, async () => (await Probe.GetTextAsync(client, "b.test", "/version")).Body == expected, $"route B serving {expected}");
            }
            else
            {
                invalid++;
                await Probe.UntilAsync(applying, () => IsServingLastGoodAsync(gateway, "vs-b"), "route B rejected and serving its last good version");
                Assert.Equal($"v{lastValid}", (await Probe.GetTextAsync(client, "b.test", "/version")).Body);
            }
        }

        if (watch.Elapsed < MinimumLoad)
        {
            await Task.Delay(MinimumLoad - watch.Elapsed);
        }

        await load.StopAsync();
        output.WriteLine($"{Reloads} reloads ({invalid} invalid) in {watch.Elapsed.TotalSeconds:F1} s; apply ms: median {applyTimes.Order().ElementAt(applyTimes.Count / 2):F0}, max {applyTimes.Max():F0}; load: {load.Describe()}");

        DumpLogOnFailure(gateway, load);
        Assert.Equal(3, invalid);
        Assert.Empty(load.Failures);
        Assert.True(load.Succeeded > 200, $"the load barely ran: {load.Describe()}");
        Assert.Equal("Accepted", (await gateway.GetStatusAsync("VirtualService", "vs-a")).GetProperty("status").GetString());
        Assert.Equal($"v{lastValid}", (await Probe.GetTextAsync(client, "b.test", "/version")).Body);
    }

    [Fact]
    public async Task FlippingTheRoutesOwnUpstreamBetweenTwoBackends_NeverFailsARequest()
    {
        await using var first = await TestBackend.StartAsync("a1", context => context.Response.WriteAsync("a1"));
        await using var second = await TestBackend.StartAsync("a2", context => context.Response.WriteAsync("a2"));
        await using var gateway = await GatewayFixture.StartAsync(g =>
        {
            g.WriteFile("upstream-a.yaml", Yaml.Upstream("a", first.Port));
            g.WriteFile("vs-a.yaml", Yaml.VirtualService("vs-a", Yaml.PrefixRoute("/a", "a"), "a.test"));
        });

        var watch = Stopwatch.StartNew();
        var load = LoadLoop.Start(gateway.HttpPort, "a.test", "/a", Concurrency, body => body is "a1" or "a2");
        await Probe.UntilAsync(watch, () => Task.FromResult(load.Succeeded >= Concurrency), "load running");

        var secondBefore = second.RequestCount;
        for (var i = 1; i <= Reloads; i++)
        {
            var port = i % 2 == 1 ? second.Port : first.Port;
            await gateway.ApplyAsync(() => gateway.WriteFile("upstream-a.yaml", Yaml.Upstream("a", port)));

            // Let some requests land on each side of every flip.
            await Task.Delay(20);
        }

        if (watch.Elapsed < MinimumLoad)
        {
            await Task.Delay(MinimumLoad - watch.Elapsed);
        }

        await load.StopAsync();
        output.WriteLine($"{Reloads} upstream flips in {watch.Elapsed.TotalSeconds:F1} s; a1 served {first.RequestCount}, a2 served {second.RequestCount}; load: {load.Describe()}");
        DumpLogOnFailure(gateway, load);
        Assert.Empty(load.Failures);
        Assert.True(load.Succeeded > 200, $"the load barely ran: {load.Describe()}");
        Assert.Equal(0, secondBefore);
        Assert.True(second.RequestCount > 0, "the flips never reached the second backend");
        Assert.True(first.RequestCount > Concurrency, "the first backend served only the warm-up");
    }

    /// <summary>
    /// Saving in place truncates the file, then writes it. Under CPU contention the writer can stall in between for
    /// longer than the quiet period; the reload then read the file empty, the upstream vanished for one snapshot and
    /// every request on the route answered 503 until the next reload.
    /// </summary>
    [Fact]
    public async Task AnInPlaceSaveThatStallsAfterTruncating_DropsNoRequest()
    {
        await using var first = await TestBackend.StartAsync("a1", context => context.Response.WriteAsync("a1"));
        await using var second = await TestBackend.StartAsync("a2", context => context.Response.WriteAsync("a2"));
        await using var gateway = await GatewayFixture.StartAsync(g =>
        {
            g.WriteFile("upstream-a.yaml", Yaml.Upstream("a", first.Port));
            g.WriteFile("vs-a.yaml", Yaml.VirtualService("vs-a", Yaml.PrefixRoute("/a", "a"), "a.test"));
        });

        var watch = Stopwatch.StartNew();
        var load = LoadLoop.Start(gateway.HttpPort, "a.test", "/a", 2, body => body is "a1" or "a2");
        await Probe.UntilAsync(watch, () => Task.FromResult(load.Succeeded >= 2), "load running");

        var version = gateway.Version;
        await using (var file = new FileStream(Path.Combine(gateway.ConfigDirectory, "upstream-a.yaml"), FileMode.Truncate))
        {
            // Six quiet periods with the file empty.
            await Task.Delay(TimeSpan.FromMilliseconds(300));
            await file.WriteAsync(System.Text.Encoding.UTF8.GetBytes(Yaml.Upstream("a", second.Port)));
        }

        using var client = gateway.CreateClient();
        watch.Restart();
        await Probe.UntilAsync(watch, async () => (await Probe.GetTextAsync(client, "a.test", "/a")).Body == "a2", "route A on the new upstream");
        await load.StopAsync();
        output.WriteLine($"stalled in-place save: versions {version} -> {gateway.Version}; load: {load.Describe()}");

        DumpLogOnFailure(gateway, load);
        Assert.Empty(load.Failures);
        Assert.True(load.Succeeded > 20, load.Describe());
        Assert.DoesNotContain(gateway.Log.Lines, l => l.Contains("does not exist", StringComparison.Ordinal));
    }

    [Fact]
    public async Task ARequestInFlight_FinishesOnTheConfigItStartedWith()
    {
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var swapped = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var slow = await TestBackend.StartAsync("old", async context =>
        {
            started.TrySetResult();

            // At least a second, and never less than the swap takes on a slow machine: the request must span it.
            await Task.Delay(TimeSpan.FromSeconds(1));
            await swapped.Task.WaitAsync(TimeSpan.FromSeconds(10));
            await context.Response.WriteAsync("old");
        });
        await using var fresh = await TestBackend.StartAsync("new", context => context.Response.WriteAsync("new"));
        await using var gateway = await GatewayFixture.StartAsync(g =>
        {
            g.WriteFile("upstreams.yaml", Yaml.Upstream("old", slow.Port) + "---\n" + Yaml.Upstream("new", fresh.Port));
            g.WriteFile("vs.yaml", Yaml.VirtualService("vs", Yaml.PrefixRoute("/work", "old")));
        });
        using var inFlightClient = gateway.CreateClient();
        using var client = gateway.CreateClient();

        var watch = Stopwatch.StartNew();
        var inFlight = Probe.GetTextAsync(inFlightClient, "example.test", "/work");
        await started.Task.WaitAsync(TimeSpan.FromSeconds(5));

        await gateway.ApplyAsync(() => gateway.WriteFile("vs.yaml", Yaml.VirtualService("vs", Yaml.PrefixRoute("/work", "new"))));
        await Probe.UntilAsync(watch, async () => await Probe.GetTextAsync(client, "example.test", "/work") == (HttpStatusCode.OK, "new"), "new requests on the new upstream");
        var swappedAt = watch.Elapsed;
        swapped.TrySetResult();

        var (status, body) = await inFlight;
        output.WriteLine($"route swapped {swappedAt.TotalMilliseconds:F0} ms into the in-flight request; it finished after {watch.Elapsed.TotalMilliseconds:F0} ms");
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("old", body);
        Assert.Equal(1, slow.RequestCount);
    }

    /// <summary>Which snapshots were built, and with how many resources, explains most failures under load.</summary>
    private void DumpLogOnFailure(GatewayFixture gateway, LoadLoop load)
    {
        if (load.Failures.Count == 0)
        {
            return;
        }

        foreach (var line in gateway.Log.Lines)
        {
            output.WriteLine(line);
        }
    }

    private static async Task<bool> IsServingLastGoodAsync(GatewayFixture gateway, string name)
    {
        using var config = await gateway.GetAdminConfigAsync();
        return config.RootElement.GetProperty("resources").EnumerateArray().Any(r => r.GetProperty("name").GetString() == name
            && r.GetProperty("status").GetString() == "Rejected"
            && r.GetProperty("servingLastGood").GetBoolean());
    }

    private static string RouteB(int version, string? breakage) => $$"""
        apiVersion: gateway.sluice.dev/v1
        kind: VirtualService
        metadata:
          name: vs-b
          namespace: default
        spec:
          virtualHost:
            domains: ['b.test']
            routes:
              - matchers: [{exact: /version}]
                directResponseAction: {status: 200, body: "v{{version}}"}
              - matchers:
                  - {{breakage ?? "prefix: /b"}}
                routeAction:
                  single:
                    upstream: {name: b}

        """;
}
