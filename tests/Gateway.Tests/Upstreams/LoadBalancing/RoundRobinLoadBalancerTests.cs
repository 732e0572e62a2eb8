using Sluice.Gateway.Upstreams;
using Sluice.Gateway.Upstreams.LoadBalancing;

namespace Sluice.Gateway.Tests.Upstreams.LoadBalancing;

public sealed class RoundRobinLoadBalancerTests
{
    [Fact]
    public void EqualWeights_EveryEndpointInTurn()
    {
        var state = new UpstreamState("u");
        var cluster = TestUpstream.Cluster(TestUpstream.Endpoints(state, 1, 1, 1), state);

        var sequence = Enumerable.Range(0, 6).Select(_ => cluster.PickEndpoint(TestUpstream.Exchange(), null)!.Address).ToList();

        Assert.Equal(["10.0.0.1:80", "10.0.0.2:80", "10.0.0.3:80", "10.0.0.1:80", "10.0.0.2:80", "10.0.0.3:80"], sequence);
    }

    [Fact]
    public void Weights_ExactShareOverAFullSchedule_AndInterleaved()
    {
        var state = new UpstreamState("u");
        var cluster = TestUpstream.Cluster(TestUpstream.Endpoints(state, 1, 3), state);

        var counts = TestUpstream.Distribution(cluster, 400);
        Assert.Equal(100, counts["10.0.0.1:80"]);
        Assert.Equal(300, counts["10.0.0.2:80"]);

        // Smooth weighted round robin: the light endpoint never gets two in a row.
        var sequence = Enumerable.Range(0, 8).Select(_ => cluster.PickEndpoint(TestUpstream.Exchange(), null)!.Address).ToList();
        for (var i = 1; i < sequence.Count; i++)
        {
            Assert.False(sequence[i] == "10.0.0.1:80" && sequence[i - 1] == "10.0.0.1:80");
        }
    }

    [Fact]
    public void WeightedSchedule_LargeWeights_AreScaledButKeepTheirRatio()
    {
        var state = new UpstreamState("u");
        var schedule = WeightedSchedule.Build(TestUpstream.Endpoints(state, 100_000, 300_000));

        Assert.Equal(4, schedule.Length);
        Assert.Equal(3, schedule.Count(i => i == 1));
    }

    [Fact]
    public void Retry_GoesToAnotherEndpoint()
    {
        var state = new UpstreamState("u");
        var cluster = TestUpstream.Cluster(TestUpstream.Endpoints(state, 1, 1), state);

        for (var i = 0; i < 10; i++)
        {
            var first = cluster.PickEndpoint(TestUpstream.Exchange(), null)!;
            var retry = cluster.PickEndpoint(TestUpstream.Exchange(), first)!;
            Assert.NotEqual(first.Address, retry.Address);
        }
    }

    [Fact]
    public void SingleEndpoint_RetryStillGetsIt()
    {
        var state = new UpstreamState("u");
        var cluster = TestUpstream.Cluster(TestUpstream.Endpoints(state, 1), state);

        var first = cluster.PickEndpoint(TestUpstream.Exchange(), null)!;
        Assert.Same(first, cluster.PickEndpoint(TestUpstream.Exchange(), first));
    }

    [Fact]
    public void NoEndpoints_PicksNothing()
    {
        var cluster = TestUpstream.Cluster([], new UpstreamState("u"));
        Assert.Null(cluster.PickEndpoint(TestUpstream.Exchange(), null));
    }

    [Fact]
    public void PickAndReport_CountAttemptsInFlight()
    {
        var state = new UpstreamState("u");
        var cluster = TestUpstream.Cluster(TestUpstream.Endpoints(state, 1), state);

        var first = cluster.PickEndpoint(TestUpstream.Exchange(), null)!;
        var second = cluster.PickEndpoint(TestUpstream.Exchange(), null)!;
        Assert.Equal(2, first.State.ActiveRequests);

        cluster.ReportOutcome(first, 200, Yarp.ReverseProxy.Forwarder.ForwarderError.None);
        cluster.ReportOutcome(second, 200, Yarp.ReverseProxy.Forwarder.ForwarderError.None);
        cluster.ReportOutcome(second, 200, Yarp.ReverseProxy.Forwarder.ForwarderError.None);
        Assert.Equal(0, first.State.ActiveRequests);
        Assert.True(state.HadTraffic);
    }
}
