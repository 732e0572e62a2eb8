using System.Net;
using System.Net.Http.Headers;
using Microsoft.AspNetCore.Http;
using Sluice.EndToEnd.Tests.Harness;

namespace Sluice.EndToEnd.Tests.Security.Hardening;

/// <summary>The global in-flight limit sheds with 503 + Retry-After; the admin token guards everything but probes.</summary>
public sealed class OverloadAndAdminTests
{
    [Fact]
    public async Task PastTheInFlightLimit_NewRequestsAreShedAtOnce_AndServedAgainAfter()
    {
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var arrived = 0;
        await using var backend = await TestBackend.StartAsync("slow", async context =>
        {
            Interlocked.Increment(ref arrived);
            await release.Task;
            await context.Response.WriteAsync("done");
        });
        await using var gateway = await GatewayFixture.StartAsync(g =>
        {
            g.WriteFile("upstream.yaml", Yaml.Upstream("slow", backend.Port));
            g.WriteFile("vs.yaml", Yaml.VirtualService("edge", Yaml.PrefixRoute("/", "slow")));
        }, runOptions: options => options with { MaxRequestsInFlight = 2 });
        using var client = gateway.CreateClient();
        var url = $"http://127.0.0.1:{gateway.HttpPort}/work";

        var held = new[] { client.GetAsync(url), client.GetAsync(url) };
        while (Volatile.Read(ref arrived) < 2)
        {
            await Task.Delay(10);
        }

        using (var shed = await client.GetAsync(url))
        {
            Assert.Equal(HttpStatusCode.ServiceUnavailable, shed.StatusCode);
            Assert.Equal(TimeSpan.FromSeconds(1), shed.Headers.RetryAfter?.Delta);
        }

        release.SetResult();
        foreach (var response in await Task.WhenAll(held))
        {
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            response.Dispose();
        }

        using var after = await client.GetAsync(url);
        Assert.Equal(HttpStatusCode.OK, after.StatusCode);
    }

    [Fact]
    public async Task AdminToken_GuardsTheApi_ButNotTheProbes()
    {
        await using var gateway = await GatewayFixture.StartAsync(writeConfig: null, runOptions: options => options with { AdminToken = "s3cret-token" });
        using var admin = gateway.CreateAdminClient();

        Assert.Equal(HttpStatusCode.OK, (await admin.GetAsync("/healthz")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await admin.GetAsync("/admin/config")).StatusCode);
        using var wrong = new HttpRequestMessage(HttpMethod.Get, "/admin/config") { Headers = { Authorization = new AuthenticationHeaderValue("Bearer", "s3cret-tokeX") } };
        Assert.Equal(HttpStatusCode.Unauthorized, (await admin.SendAsync(wrong)).StatusCode);
        using var right = new HttpRequestMessage(HttpMethod.Get, "/admin/config") { Headers = { Authorization = new AuthenticationHeaderValue("Bearer", "s3cret-token") } };
        Assert.Equal(HttpStatusCode.OK, (await admin.SendAsync(right)).StatusCode);
    }

    [Fact]
    public async Task AdminApi_NeverShowsSecretValues()
    {
        await using var gateway = await GatewayFixture.StartAsync(g => g.WriteFile("secret.yaml", """
            apiVersion: v1
            kind: Secret
            metadata: { name: api-keys }
            type: Opaque
            stringData:
              key: sup3r-s3cret-v4lue
            data:
              other: c3VwM3Itb3RoZXI=
            """));
        using var admin = gateway.CreateAdminClient();

        var config = await admin.GetStringAsync("/admin/config");

        Assert.Contains("api-keys", config, StringComparison.Ordinal);
        Assert.DoesNotContain("sup3r-s3cret-v4lue", config, StringComparison.Ordinal);
        Assert.DoesNotContain("c3VwM3Itb3RoZXI=", config, StringComparison.Ordinal);
    }
}
