using System.Net;
using Sluice.EndToEnd.Tests.Harness;

namespace Sluice.EndToEnd.Tests.Resilience.Upstreams;

/// <summary>Circuit breakers with real concurrent requests: the upstream never sees more than the limit.</summary>
public sealed class CircuitBreakerTests
{
    [Fact(Skip = UpstreamScenario.PendingForwardingLoop)]
    public async Task MaxRequests2_TenConcurrentSlowRequests_ExactlyTwoReachTheBackend_OthersGet503()
    {
        var inFlight = 0;
        var maxInFlight = 0;
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var slow = await TestBackend.StartAsync("slow", async context =>
        {
            var now = Interlocked.Increment(ref inFlight);
            int seen;
            while ((seen = Volatile.Read(ref maxInFlight)) < now && Interlocked.CompareExchange(ref maxInFlight, now, seen) != seen)
            {
            }

            await release.Task;
            Interlocked.Decrement(ref inFlight);
            await TestBackend.Echo(context, "slow");
        });
        await using var gateway = await GatewayFixture.StartAsync(g =>
        {
            g.WriteFile("upstream.yaml", UpstreamScenario.UpstreamYaml([slow], "circuitBreakers:\n  maxRequests: 2\n"));
            g.WriteFile("vs.yaml", UpstreamScenario.RouteYaml());
        });
        using var client = gateway.CreateClient();

        using var cancel = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        var requests = Enumerable.Range(0, 10).Select(_ => client.GetAsync("/slow", cancel.Token)).ToList();

        // The eight refused requests answer at once, while the two admitted ones wait at the backend.
        var refused = new List<HttpResponseMessage>();
        while (refused.Count < 8)
        {
            var done = await Task.WhenAny(requests).WaitAsync(TimeSpan.FromSeconds(10));
            var response = await done;
            Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
            Assert.Equal("max_requests", Assert.Single(response.Headers.GetValues("x-sluice-overflow")));
            refused.Add(response);
            requests.Remove(done);
        }

        try
        {
            // The two admitted requests may still be on their way to the backend.
            Assert.True(await UpstreamScenario.EventuallyAsync(() => Task.FromResult(Volatile.Read(ref inFlight) == 2), TimeSpan.FromSeconds(5)));
            Assert.All(requests, r => Assert.False(r.IsCompleted));
        }
        finally
        {
            release.TrySetResult();
        }

        foreach (var admitted in await Task.WhenAll(requests))
        {
            Assert.Equal(HttpStatusCode.OK, admitted.StatusCode);
        }

        Assert.Equal(2, slow.RequestCount);
        Assert.Equal(2, maxInFlight);

        // The slots are free again.
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/again")).StatusCode);
    }
}
