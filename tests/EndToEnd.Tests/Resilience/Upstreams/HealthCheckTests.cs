using System.Net;
using Microsoft.AspNetCore.Http;
using Sluice.EndToEnd.Tests.Harness;

namespace Sluice.EndToEnd.Tests.Resilience.Upstreams;

/// <summary>Active health checks against real backends, following config reloads.</summary>
public sealed class HealthCheckTests
{
    private const string HealthCheck = """
        healthChecks:
          - timeout: 500ms
            interval: 100ms
            noTrafficInterval: 100ms
            unhealthyThreshold: 2
            healthyThreshold: 2
            httpHealthCheck:
              path: /healthz
        """;

    [Fact]
    public async Task BackendAnswering503OnTheCheckPath_LeavesTheRotation_AndReturnsWhenItRecovers()
    {
        var flakyHealth = StatusCodes.Status200OK;
        await using var steady = await TestBackend.StartAsync("steady");
        await using var flaky = await TestBackend.StartAsync("flaky", CheckedBackend("flaky", () => Volatile.Read(ref flakyHealth)));
        await using var gateway = await GatewayFixture.StartAsync(g =>
        {
            g.WriteFile("upstream.yaml", UpstreamScenario.UpstreamYaml([steady, flaky], HealthCheck));
            g.WriteFile("vs.yaml", UpstreamScenario.RouteYaml());
        });
        using var client = gateway.CreateClient();
        Assert.True(await ServesAsync(client, "flaky"), "both backends should serve while healthy");

        Volatile.Write(ref flakyHealth, StatusCodes.Status503ServiceUnavailable);
        Assert.True(await UpstreamScenario.EventuallyAsync(async () => !await ServesAsync(client, "flaky"), TimeSpan.FromSeconds(5)),
            "a backend failing its health check must leave the rotation");
        for (var i = 0; i < 20; i++)
        {
            Assert.Equal((HttpStatusCode.OK, "steady"), await UpstreamScenario.GetAsync(client, "/work"));
        }

        Assert.Contains(gateway.Log.Lines, line => line.Contains("Health check marked", StringComparison.Ordinal) && line.Contains("unhealthy", StringComparison.Ordinal));

        Volatile.Write(ref flakyHealth, StatusCodes.Status200OK);
        Assert.True(await UpstreamScenario.EventuallyAsync(() => ServesAsync(client, "flaky"), TimeSpan.FromSeconds(5)),
            "a recovered backend must come back after healthyThreshold passed checks");
    }

    [Fact]
    public async Task HealthChecksFollowReloads_ChangedPathAndRemoval()
    {
        var checkedPaths = new System.Collections.Concurrent.ConcurrentQueue<string>();
        await using var steady = await TestBackend.StartAsync("steady");
        await using var sick = await TestBackend.StartAsync("sick", context =>
        {
            if (context.Request.Headers.UserAgent == "Envoy/HC")
            {
                checkedPaths.Enqueue(context.Request.Path.Value ?? string.Empty);
                context.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
                return Task.CompletedTask;
            }

            return TestBackend.Echo(context, "sick");
        });
        await using var gateway = await GatewayFixture.StartAsync(g =>
        {
            g.WriteFile("upstream.yaml", UpstreamScenario.UpstreamYaml([steady, sick], HealthCheck));
            g.WriteFile("vs.yaml", UpstreamScenario.RouteYaml());
        });
        using var client = gateway.CreateClient();
        Assert.True(await UpstreamScenario.EventuallyAsync(async () => !await ServesAsync(client, "sick"), TimeSpan.FromSeconds(5)));

        await gateway.ApplyAsync(() => gateway.WriteFile("upstream.yaml", UpstreamScenario.UpstreamYaml([steady, sick], HealthCheck.Replace("/healthz", "/ready", StringComparison.Ordinal))));
        Assert.True(await UpstreamScenario.EventuallyAsync(() => Task.FromResult(checkedPaths.Contains("/ready")), TimeSpan.FromSeconds(5)), "the checker must use the new path");
        Assert.False(await ServesAsync(client, "sick"), "the unhealthy verdict survives a reload that keeps the health check");

        // Without a health check, nothing keeps the endpoint out any more.
        await gateway.ApplyAsync(() => gateway.WriteFile("upstream.yaml", UpstreamScenario.UpstreamYaml([steady, sick])));
        Assert.True(await ServesAsync(client, "sick"));
        var checksAfterRemoval = checkedPaths.Count;
        await Task.Delay(500);
        Assert.InRange(checkedPaths.Count, checksAfterRemoval, checksAfterRemoval + 1);
    }

    [Fact]
    public async Task ChecksStopWithTheGateway()
    {
        var checks = 0;
        await using var backend = await TestBackend.StartAsync("one", context =>
        {
            Interlocked.Increment(ref checks);
            return Task.CompletedTask;
        });
        var gateway = await GatewayFixture.StartAsync(g =>
        {
            g.WriteFile("upstream.yaml", UpstreamScenario.UpstreamYaml([backend], HealthCheck));
            g.WriteFile("vs.yaml", UpstreamScenario.RouteYaml());
        });
        Assert.True(await UpstreamScenario.EventuallyAsync(() => Task.FromResult(Volatile.Read(ref checks) > 0), TimeSpan.FromSeconds(5)));

        await gateway.DisposeAsync();
        var afterStop = Volatile.Read(ref checks);
        await Task.Delay(400);

        Assert.Equal(afterStop, Volatile.Read(ref checks));
    }

    /// <summary>Echoes traffic; answers health checks (Envoy's user agent) with the current health status.</summary>
    private static RequestDelegate CheckedBackend(string name, Func<int> health) => context =>
    {
        if (context.Request.Path == "/healthz")
        {
            context.Response.StatusCode = health();
            return Task.CompletedTask;
        }

        return TestBackend.Echo(context, name);
    };

    /// <summary>Whether <paramref name="backend"/> answers any of a round of requests (round robin over two endpoints).</summary>
    private static async Task<bool> ServesAsync(HttpClient client, string backend)
    {
        for (var i = 0; i < 6; i++)
        {
            if ((await UpstreamScenario.GetAsync(client, "/work")).Backend == backend)
            {
                return true;
            }
        }

        return false;
    }
}
