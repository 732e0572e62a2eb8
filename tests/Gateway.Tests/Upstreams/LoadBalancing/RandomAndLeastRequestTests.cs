using Sluice.Gateway.Upstreams;
using Sluice.Gateway.Upstreams.LoadBalancing;

namespace Sluice.Gateway.Tests.Upstreams.LoadBalancing;

public sealed class RandomAndLeastRequestTests
{
    [Fact]
    public void Random_FixedSeed_SpreadsEvenly()
    {
        var state = new UpstreamState("u");
        var cluster = TestUpstream.Cluster(TestUpstream.Endpoints(state, 1, 1, 1, 1), state, new RandomLoadBalancer(new Random(42)));

        var counts = TestUpstream.Distribution(cluster, 8000);

        Assert.All(counts.Values, c => Assert.InRange(c, 1800, 2200));
    }

    [Fact]
    public void Random_FixedSeed_IsDeterministic()
    {
        List<string> Run()
        {
            var state = new UpstreamState("u");
            var cluster = TestUpstream.Cluster(TestUpstream.Endpoints(state, 1, 1, 1), state, new RandomLoadBalancer(new Random(7)));
            return [.. Enumerable.Range(0, 50).Select(_ => cluster.PickEndpoint(TestUpstream.Exchange(), null)!.Address)];
        }

        Assert.Equal(Run(), Run());
    }

    [Fact]
    public void Random_Weights_FollowTheirShare()
    {
        var state = new UpstreamState("u");
        var cluster = TestUpstream.Cluster(TestUpstream.Endpoints(state, 1, 4), state, new RandomLoadBalancer(new Random(1)));

        var counts = TestUpstream.Distribution(cluster, 10_000);

        Assert.InRange(counts["10.0.0.2:80"], 7700, 8300);
    }

    [Fact]
    public void LeastRequest_TwoEndpoints_AlwaysTheIdleOne()
    {
        var state = new UpstreamState("u");
        var endpoints = TestUpstream.Endpoints(state, 1, 1);
        var cluster = TestUpstream.Cluster(endpoints, state, new LeastRequestLoadBalancer(2, new Random(3)));
        endpoints[0].State.BeginAttempt();
        endpoints[0].State.BeginAttempt();

        for (var i = 0; i < 50; i++)
        {
            var picked = cluster.PickEndpoint(TestUpstream.Exchange(), null)!;
            Assert.Equal("10.0.0.2:80", picked.Address);
            cluster.ReportOutcome(picked, 200, Yarp.ReverseProxy.Forwarder.ForwarderError.None);
        }
    }

    [Fact]
    public void LeastRequest_PowerOfTwoChoices_RarelyPicksTheBusiestEndpoint()
    {
        var state = new UpstreamState("u");
        var endpoints = TestUpstream.Endpoints(state, 1, 1, 1, 1, 1, 1, 1, 1);
        var cluster = TestUpstream.Cluster(endpoints, state, new LeastRequestLoadBalancer(2, new Random(11)));
        for (var i = 0; i < 100; i++)
        {
            endpoints[0].State.BeginAttempt();
        }

        var counts = TestUpstream.Distribution(cluster, 8000);

        // Two draws both land on the busy endpoint with probability 1/64; uniform would give it 1/8.
        Assert.InRange(counts["10.0.0.1:80"], 0, 250);
        Assert.All(counts.Where(c => c.Key != "10.0.0.1:80"), c => Assert.InRange(c.Value, 900, 1400));
    }

    [Fact]
    public void LeastRequest_Weights_LoadPerWeightDecides()
    {
        var state = new UpstreamState("u");
        var endpoints = TestUpstream.Endpoints(state, 1, 4);
        var cluster = TestUpstream.Cluster(endpoints, state, new LeastRequestLoadBalancer(2, new Random(5)));

        // Nothing reports back: picks accumulate, and the weight-4 endpoint should carry four times the load.
        for (var i = 0; i < 100; i++)
        {
            cluster.PickEndpoint(TestUpstream.Exchange(), null);
        }

        Assert.InRange(endpoints[1].State.ActiveRequests, 78, 82);
    }
}
