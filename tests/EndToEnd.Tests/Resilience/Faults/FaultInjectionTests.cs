using System.Diagnostics;
using System.Net;
using Sluice.EndToEnd.Tests.Harness;
using Sluice.EndToEnd.Tests.Resilience.Retries;
using Sluice.EndToEnd.Tests.Routing.Support;

namespace Sluice.EndToEnd.Tests.Resilience.Faults;

/// <summary><c>faults</c> on real routes: injected aborts answer without reaching the upstream, injected delays hold requests.</summary>
public sealed class FaultInjectionTests
{
    [Fact]
    public async Task AbortAtOneHundredPercent_AnswersTheStatus_WithoutReachingTheUpstream()
    {
        await using var backend = await FaultyBackend.EchoAsync("backend");
        await using var gateway = await GatewayFixture.StartAsync(g =>
        {
            g.WriteFile("upstreams.yaml", RouteYaml.Upstream("backend", backend.Port));
            g.WriteFile("vs.yaml", RouteYaml.VirtualService("vs",
                RouteYaml.Route("prefix: /aborted", "backend", options: "faults: {abort: {percentage: 100, httpStatus: 418}}") +
                RouteYaml.Route("prefix: /never", "backend", options: "faults: {abort: {percentage: 0, httpStatus: 500}}") +
                RouteYaml.Route("prefix: /", "backend")));
        });
        using var client = gateway.CreateClient();

        for (var i = 0; i < 10; i++)
        {
            using var aborted = await client.GetAsync("/aborted");
            Assert.Equal((HttpStatusCode)418, aborted.StatusCode);
            Assert.Equal("fault filter abort", await aborted.Content.ReadAsStringAsync());
        }

        Assert.Equal(0, backend.Calls);

        for (var i = 0; i < 10; i++)
        {
            using var passed = await client.GetAsync("/never");
            Assert.Equal(HttpStatusCode.OK, passed.StatusCode);
        }

        Assert.Equal(10, backend.Calls);
    }

    [Fact]
    public async Task AbortAtAPercentage_AbortsAboutThatShare()
    {
        await using var backend = await FaultyBackend.EchoAsync("backend");
        await using var gateway = await GatewayFixture.StartAsync(g =>
        {
            g.WriteFile("upstreams.yaml", RouteYaml.Upstream("backend", backend.Port));
            g.WriteFile("vs.yaml", RouteYaml.VirtualService("vs",
                RouteYaml.Route("prefix: /", "backend", options: "faults: {abort: {percentage: 30, httpStatus: 503}}")));
        });
        using var client = gateway.CreateClient();

        var statuses = await Task.WhenAll(Enumerable.Range(0, 400).Select(async _ =>
        {
            using var response = await client.GetAsync("/");
            return response.StatusCode;
        }));

        var aborted = statuses.Count(s => s == HttpStatusCode.ServiceUnavailable);
        Assert.Equal(400, aborted + statuses.Count(s => s == HttpStatusCode.OK));

        // Binomial(400, 0.3): mean 120, standard deviation about 9; the range is more than five deviations wide.
        Assert.InRange(aborted, 70, 170);
        Assert.Equal(400 - aborted, backend.Calls);
    }

    [Fact]
    public async Task DelayAtOneHundredPercent_AddsTheDelay_ThenForwards()
    {
        await using var backend = await FaultyBackend.EchoAsync("backend");
        await using var gateway = await GatewayFixture.StartAsync(g =>
        {
            g.WriteFile("upstreams.yaml", RouteYaml.Upstream("backend", backend.Port));
            g.WriteFile("vs.yaml", RouteYaml.VirtualService("vs",
                RouteYaml.Route("prefix: /slow-then-abort", "backend", options: "faults: {delay: {percentage: 100, fixedDelay: 300ms}, abort: {percentage: 100, httpStatus: 500}}") +
                RouteYaml.Route("prefix: /slow", "backend", options: "faults: {delay: {percentage: 100, fixedDelay: 400ms}}") +
                RouteYaml.Route("prefix: /", "backend")));
        });
        using var client = gateway.CreateClient();
        using (await client.GetAsync("/warm-up"))
        {
        }

        var watch = Stopwatch.StartNew();
        using var fast = await client.GetAsync("/fast");
        var fastElapsed = watch.Elapsed;
        Assert.Equal(HttpStatusCode.OK, fast.StatusCode);

        watch.Restart();
        using var slow = await client.GetAsync("/slow");
        var slowElapsed = watch.Elapsed;
        Assert.Equal(HttpStatusCode.OK, slow.StatusCode);
        Assert.True(slowElapsed >= TimeSpan.FromMilliseconds(395), $"delayed request took {slowElapsed}");
        Assert.True(fastElapsed < TimeSpan.FromMilliseconds(395), $"undelayed request took {fastElapsed}");

        watch.Restart();
        using var slowAbort = await client.GetAsync("/slow-then-abort");
        Assert.True(watch.Elapsed >= TimeSpan.FromMilliseconds(295), $"delayed abort took {watch.Elapsed}");
        Assert.Equal(HttpStatusCode.InternalServerError, slowAbort.StatusCode);
        Assert.Equal(3, backend.Calls);
    }
}
