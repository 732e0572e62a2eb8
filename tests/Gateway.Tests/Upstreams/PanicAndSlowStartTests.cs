using Sluice.Gateway.DataPlane;
using Sluice.Gateway.Upstreams;
using Sluice.Gateway.Upstreams.LoadBalancing;

namespace Sluice.Gateway.Tests.Upstreams;

public sealed class PanicAndSlowStartTests
{
    [Fact]
    public void BelowThePanicThreshold_AllEndpointsAreUsed()
    {
        var state = new UpstreamState("u");
        var endpoints = TestUpstream.Endpoints(state, 1, 1, 1);
        var cluster = TestUpstream.Cluster(endpoints, state);
        endpoints[0].State.RecordCheckFailure(1, immediate: true);
        Assert.False(cluster.CurrentSelection().Panic);

        endpoints[1].State.RecordCheckFailure(1, immediate: true);

        Assert.True(cluster.CurrentSelection().Panic);
        Assert.All(TestUpstream.Distribution(cluster, 30).Values, count => Assert.Equal(10, count));
    }

    [Fact]
    public void PanicThresholdZero_NoHealthyEndpoint_PicksNothing()
    {
        var state = new UpstreamState("u");
        var endpoints = TestUpstream.Endpoints(state, 1, 1);
        var cluster = TestUpstream.Cluster(endpoints, state, options: new UpstreamClusterOptions { HealthyPanicThreshold = 0 });
        endpoints[0].State.RecordCheckFailure(1, immediate: true);
        endpoints[1].State.RecordCheckFailure(1, immediate: true);

        Assert.Null(cluster.PickEndpoint(TestUpstream.Exchange(), null));
    }

    [Fact]
    public void SlowStart_NewEndpointRampsUp()
    {
        var time = new FakeTime();
        var state = new UpstreamState("u");
        var old = TestUpstream.Endpoints(state, 1, 1);
        state.MarkBuilt();
        var fresh = new UpstreamEndpoint("http://10.0.0.9:80/", old[0].Invoker) { Address = "10.0.0.9:80", State = state.Endpoint("10.0.0.9:80", time.GetTimestamp()) };
        var slowStart = new SlowStart(TimeSpan.FromSeconds(60), aggression: 1, minWeightPercent: 10);
        var cluster = TestUpstream.Cluster([old[0], old[1], fresh], state, time: time, options: new UpstreamClusterOptions { SlowStart = slowStart, Random = new Random(2) });

        var atStart = TestUpstream.Distribution(cluster, 3000)[fresh.Address];
        time.Advance(TimeSpan.FromSeconds(30));
        var halfway = TestUpstream.Distribution(cluster, 3000)[fresh.Address];
        time.Advance(TimeSpan.FromSeconds(30));
        var after = TestUpstream.Distribution(cluster, 3000)[fresh.Address];

        Assert.InRange(atStart, 0, 400);
        Assert.InRange(halfway, atStart + 100, 900);
        Assert.Equal(1000, after);
        Assert.Equal(1, slowStart.Factor(old[0].State, time.GetTimestamp(), time));
    }

    [Fact]
    public void SlowStart_Factor_FollowsAggression()
    {
        var time = new FakeTime();
        var state = new UpstreamState("u");
        state.MarkBuilt();
        var endpoint = state.Endpoint("10.0.0.1:80", time.GetTimestamp());
        time.Advance(TimeSpan.FromSeconds(25));

        Assert.Equal(0.25, new SlowStart(TimeSpan.FromSeconds(100), 1, 10).Factor(endpoint, time.GetTimestamp(), time), 3);
        Assert.Equal(0.5, new SlowStart(TimeSpan.FromSeconds(100), 2, 10).Factor(endpoint, time.GetTimestamp(), time), 3);
        Assert.Equal(0.3, new SlowStart(TimeSpan.FromSeconds(100), 1, 30).Factor(endpoint, time.GetTimestamp(), time), 3);
    }
}
