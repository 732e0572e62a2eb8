using System.Diagnostics;
using System.Net;
using Sluice.EndToEnd.Tests.Harness;

namespace Sluice.EndToEnd.Tests.Security;

/// <summary>
/// <c>httpLocalRatelimit</c> through the real gateway: concurrent load against a small bucket, 429 with Retry-After and
/// X-RateLimit headers, per-key buckets, and buckets that survive a reload of unchanged settings.
/// </summary>
public sealed class RateLimitTests
{
    private static string VirtualService(string fillInterval, string extraRoute = "") => $$$$"""
        apiVersion: gateway.sluice.dev/v1
        kind: VirtualService
        metadata: {name: limited, namespace: default}
        spec:
          virtualHost:
            domains: ['*']
            options:
              httpLocalRatelimit:
                defaultLimit: {maxTokens: 10, tokensPerFill: 1, fillInterval: {{{{fillInterval}}}}}
                enableXRatelimitHeaders: true
            routes:
              - matchers: [{prefix: /tenant}]
                options:
                  httpLocalRatelimit:
                    defaultLimit: {maxTokens: 2, tokensPerFill: 1, fillInterval: 1h}
                    keyBy: {header: x-tenant}
                routeAction: {single: {upstream: {name: api}}}
        {{{{extraRoute}}}}
              - matchers: [{prefix: /}]
                routeAction: {single: {upstream: {name: api}}}
        """;

    [Fact]
    public async Task HundredConcurrentRequests_AgainstTenTokens_AllowTenPlusWhatRefilled()
    {
        await using var backend = await TestBackend.StartAsync("api");
        await using var gateway = await GatewayFixture.StartAsync(g =>
        {
            g.WriteFile("upstream.yaml", Yaml.Upstream("api", backend.Port));
            g.WriteFile("vs.yaml", VirtualService("1s"));
        });
        using var client = gateway.CreateClient();

        var clock = Stopwatch.StartNew();
        var responses = await Task.WhenAll(Enumerable.Range(0, 100).Select(_ => client.GetAsync("/orders")));
        var elapsed = clock.Elapsed;

        // Tolerance: the 10 tokens in the bucket, plus one per full second the burst took (one refill each).
        var allowed = responses.Count(r => r.StatusCode == HttpStatusCode.OK);
        var limited = responses.Where(r => r.StatusCode == HttpStatusCode.TooManyRequests).ToList();
        Assert.InRange(allowed, 10, 10 + (int)Math.Ceiling(elapsed.TotalSeconds));
        Assert.Equal(100, allowed + limited.Count);
        Assert.Equal(allowed, backend.RequestCount);
        Assert.All(limited, r =>
        {
            Assert.Equal("1", r.Headers.RetryAfter?.ToString());
            Assert.Equal("10", r.Headers.GetValues("x-ratelimit-limit").Single());
            Assert.Equal("0", r.Headers.GetValues("x-ratelimit-remaining").Single());
        });
        var ok = responses.First(r => r.StatusCode == HttpStatusCode.OK);
        Assert.Equal("10", ok.Headers.GetValues("x-ratelimit-limit").Single());
        foreach (var response in responses)
        {
            response.Dispose();
        }
    }

    [Fact]
    public async Task Buckets_SurviveAReloadWithUnchangedSettings_AndKeysAreSeparate()
    {
        await using var backend = await TestBackend.StartAsync("api");
        await using var gateway = await GatewayFixture.StartAsync(g =>
        {
            g.WriteFile("upstream.yaml", Yaml.Upstream("api", backend.Port));
            g.WriteFile("vs.yaml", VirtualService("1h"));
        });
        using var client = gateway.CreateClient();

        for (var i = 0; i < 10; i++)
        {
            using var response = await client.GetAsync("/orders");
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }

        using (var limited = await client.GetAsync("/orders"))
        {
            Assert.Equal(HttpStatusCode.TooManyRequests, limited.StatusCode);
            Assert.Equal("3600", limited.Headers.RetryAfter?.ToString());
        }

        // An unrelated change reloads the config; the virtual host's bucket is the same one, still empty.
        await gateway.ApplyAsync(() => gateway.WriteFile("other.yaml", Yaml.Upstream("other", backend.Port)));
        using (var stillLimited = await client.GetAsync("/orders"))
        {
            Assert.Equal(HttpStatusCode.TooManyRequests, stillLimited.StatusCode);
        }

        // Per-tenant buckets on the route: each tenant gets its own two tokens.
        foreach (var tenant in new[] { "a", "b" })
        {
            for (var i = 0; i < 3; i++)
            {
                using var request = new HttpRequestMessage(HttpMethod.Get, "/tenant/x");
                request.Headers.Add("x-tenant", tenant);
                using var response = await client.SendAsync(request);
                Assert.Equal(i < 2 ? HttpStatusCode.OK : HttpStatusCode.TooManyRequests, response.StatusCode);
            }
        }

        // Changed settings are a new bucket.
        await gateway.ApplyAsync(() => gateway.WriteFile("vs.yaml", VirtualService("2h")));
        using var fresh = await client.GetAsync("/orders");
        Assert.Equal(HttpStatusCode.OK, fresh.StatusCode);
    }
}
