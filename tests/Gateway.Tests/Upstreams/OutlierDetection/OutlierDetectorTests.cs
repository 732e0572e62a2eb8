using Sluice.Discovery.Model;
using Sluice.Gateway.DataPlane;
using Sluice.Gateway.Upstreams;
using Sluice.Gateway.Upstreams.OutlierDetection;
using Yarp.ReverseProxy.Forwarder;

namespace Sluice.Gateway.Tests.Upstreams.OutlierDetection;

public sealed class OutlierDetectorTests
{
    private readonly FakeTime _time = new();

    [Fact]
    public void Consecutive5xx_EjectsUntilBaseEjectionTimePasses()
    {
        var (cluster, bad, good) = Create(new OutlierDetectionConfig { Consecutive5xx = 3, MaxEjectionPercent = 50 });

        Fail(cluster, bad, 500, times: 2);
        Assert.False(bad.State.IsEjected(_time.GetTimestamp()));
        Fail(cluster, bad, 500, times: 1);
        Assert.True(bad.State.IsEjected(_time.GetTimestamp()));

        Assert.All(Picks(cluster, 10), address => Assert.Equal(good.Address, address));

        _time.Advance(TimeSpan.FromSeconds(29));
        Assert.All(Picks(cluster, 4), address => Assert.Equal(good.Address, address));

        // Returned lazily by the next pick, without a sweep.
        _time.Advance(TimeSpan.FromSeconds(1));
        Assert.Contains(bad.Address, Picks(cluster, 4));
        Assert.Equal(0, cluster.State.EjectedCount);
    }

    [Fact]
    public void SecondEjection_LastsTwiceAsLong_CappedByMaxEjectionTime()
    {
        var (cluster, bad, _) = Create(new OutlierDetectionConfig
        {
            Consecutive5xx = 1, MaxEjectionPercent = 50, BaseEjectionTime = TimeSpan.FromSeconds(10), MaxEjectionTime = TimeSpan.FromSeconds(15),
        });

        Fail(cluster, bad, 503, 1);
        Assert.Equal(TimeSpan.FromSeconds(10).Ticks, bad.State.EjectedUntil - _time.GetTimestamp());
        _time.Advance(TimeSpan.FromSeconds(10));
        Picks(cluster, 1);

        Fail(cluster, bad, 503, 1);
        Assert.Equal(TimeSpan.FromSeconds(15).Ticks, bad.State.EjectedUntil - _time.GetTimestamp());
        Assert.Equal(2, bad.State.EjectionMultiplier);
    }

    [Fact]
    public void Sweep_ReturnsEjectedEndpoints_AndForgivesTheMultiplierLater()
    {
        var (cluster, bad, _) = Create(new OutlierDetectionConfig { Consecutive5xx = 1, MaxEjectionPercent = 50, BaseEjectionTime = TimeSpan.FromSeconds(10) });
        Fail(cluster, bad, 500, 1);

        _time.Advance(TimeSpan.FromSeconds(10));
        cluster.OutlierDetector!.Sweep(cluster);
        Assert.Equal(0, bad.State.EjectedUntil);
        Assert.Equal(1, bad.State.EjectionMultiplier);

        // Healthy for a base ejection time after returning: the next ejection is short again.
        _time.Advance(TimeSpan.FromSeconds(10));
        cluster.OutlierDetector.Sweep(cluster);
        Assert.Equal(0, bad.State.EjectionMultiplier);
    }

    [Fact]
    public void ASuccessInBetween_ResetsTheCount()
    {
        var (cluster, bad, _) = Create(new OutlierDetectionConfig { Consecutive5xx = 3, MaxEjectionPercent = 50 });

        Fail(cluster, bad, 500, 2);
        cluster.ReportOutcome(bad, 200, ForwarderError.None);
        Fail(cluster, bad, 500, 2);

        Assert.False(bad.State.IsEjected(_time.GetTimestamp()));
    }

    [Fact]
    public void DefaultMaxEjectionPercent_EjectsNoneOfTwoEndpoints_AsEnvoy()
    {
        var (cluster, bad, _) = Create(new OutlierDetectionConfig { Consecutive5xx = 1 });

        Fail(cluster, bad, 500, 5);

        Assert.False(bad.State.IsEjected(_time.GetTimestamp()));
    }

    [Fact]
    public void MaxEjectionPercent_LimitsHowManyAreEjectedAtOnce()
    {
        var state = new UpstreamState("u");
        var endpoints = TestUpstream.Endpoints(state, 1, 1, 1, 1);
        var cluster = TestUpstream.Cluster(endpoints, state, time: _time, options: new UpstreamClusterOptions
        {
            OutlierDetector = new OutlierDetector(new OutlierDetectionConfig { Consecutive5xx = 1, MaxEjectionPercent = 50 }),
        });

        foreach (var endpoint in endpoints)
        {
            Fail(cluster, endpoint, 500, 1);
        }

        Assert.Equal(2, endpoints.Count(e => e.State.IsEjected(_time.GetTimestamp())));
        Assert.Equal(2, state.EjectedCount);
    }

    [Fact]
    public void GatewayFailures_EjectOnlyWhenEnforced_AsEnvoyDefaultsToZero()
    {
        var config = new OutlierDetectionConfig { Consecutive5xx = 100, ConsecutiveGatewayFailure = 2, MaxEjectionPercent = 50 };
        var (cluster, bad, _) = Create(config);
        Fail(cluster, bad, 502, 4);
        Assert.False(bad.State.IsEjected(_time.GetTimestamp()));

        var (enforced, bad2, _) = Create(config with { EnforcingConsecutiveGatewayFailure = 100 });
        Fail(enforced, bad2, 504, 2);
        Assert.True(bad2.State.IsEjected(_time.GetTimestamp()));
    }

    [Fact]
    public void ConnectionFailures_CountAs5xx_UnlessSplit()
    {
        var (cluster, bad, _) = Create(new OutlierDetectionConfig { Consecutive5xx = 2, MaxEjectionPercent = 50 });
        Fail(cluster, bad, 502, 2, ForwarderError.Request);
        Assert.True(bad.State.IsEjected(_time.GetTimestamp()));

        var split = new OutlierDetectionConfig { Consecutive5xx = 2, ConsecutiveLocalOriginFailure = 3, SplitExternalLocalOriginErrors = true, MaxEjectionPercent = 50 };
        var (splitCluster, splitBad, _) = Create(split);
        Fail(splitCluster, splitBad, 502, 2, ForwarderError.Request);
        Assert.False(splitBad.State.IsEjected(_time.GetTimestamp()));
        Fail(splitCluster, splitBad, 502, 1, ForwarderError.RequestTimedOut);
        Assert.True(splitBad.State.IsEjected(_time.GetTimestamp()));
    }

    [Fact]
    public void ClientCancellations_SayNothingAboutTheEndpoint()
    {
        var (cluster, bad, _) = Create(new OutlierDetectionConfig { Consecutive5xx = 1, MaxEjectionPercent = 50 });

        Fail(cluster, bad, 502, 3, ForwarderError.RequestCanceled);
        Fail(cluster, bad, 200, 3, ForwarderError.ResponseBodyClient);
        Assert.False(bad.State.IsEjected(_time.GetTimestamp()));

        // A cancellation reported as 504 is a timeout: it counts.
        Fail(cluster, bad, 504, 1, ForwarderError.RequestCanceled);
        Assert.True(bad.State.IsEjected(_time.GetTimestamp()));
    }

    [Fact]
    public void EnforcingPercentage_IsADraw()
    {
        var ejected = 0;
        for (var i = 0; i < 200; i++)
        {
            var (cluster, bad, _) = Create(new OutlierDetectionConfig { Consecutive5xx = 1, MaxEjectionPercent = 50, EnforcingConsecutive5xx = 25 }, seed: i);
            Fail(cluster, bad, 500, 1);
            ejected += bad.State.IsEjected(_time.GetTimestamp()) ? 1 : 0;
        }

        Assert.InRange(ejected, 25, 75);
    }

    [Fact]
    public void ForgottenEndpoint_GivesItsEjectionBack()
    {
        var (cluster, bad, good) = Create(new OutlierDetectionConfig { Consecutive5xx = 1, MaxEjectionPercent = 50 });
        Fail(cluster, bad, 500, 1);
        Assert.Equal(1, cluster.State.EjectedCount);

        cluster.State.Retain([good.Address]);

        Assert.Equal(0, cluster.State.EjectedCount);
        Assert.True(bad.State.IsForgotten);
        Fail(cluster, bad, 500, 3);
        Assert.Equal(0, cluster.State.EjectedCount);
    }

    [Theory]
    [InlineData(200, ForwarderError.None, "Success")]
    [InlineData(404, ForwarderError.None, "Success")]
    [InlineData(500, ForwarderError.None, "ServerError")]
    [InlineData(503, ForwarderError.None, "GatewayFailure")]
    [InlineData(502, ForwarderError.Request, "LocalOriginFailure")]
    [InlineData(200, ForwarderError.ResponseBodyDestination, "LocalOriginFailure")]
    [InlineData(502, ForwarderError.RequestCanceled, "Ignored")]
    [InlineData(504, ForwarderError.RequestCanceled, "LocalOriginFailure")]
    [InlineData(200, ForwarderError.ResponseBodyClient, "Ignored")]
    public void Classify(int status, ForwarderError error, string expected) =>
        Assert.Equal(expected, AttemptOutcomes.Classify(status, error).ToString());

    private (UpstreamCluster Cluster, UpstreamEndpoint Bad, UpstreamEndpoint Good) Create(OutlierDetectionConfig config, int seed = 1)
    {
        var state = new UpstreamState("u");
        var endpoints = TestUpstream.Endpoints(state, 1, 1);
        var cluster = TestUpstream.Cluster(endpoints, state, time: _time, options: new UpstreamClusterOptions
        {
            OutlierDetector = new OutlierDetector(config),
            Random = new Random(seed),
        });
        return (cluster, endpoints[0], endpoints[1]);
    }

    private static void Fail(UpstreamCluster cluster, UpstreamEndpoint endpoint, int status, int times, ForwarderError error = ForwarderError.None)
    {
        for (var i = 0; i < times; i++)
        {
            endpoint.State.BeginAttempt();
            cluster.ReportOutcome(endpoint, status, error);
        }
    }

    private static List<string> Picks(UpstreamCluster cluster, int count)
    {
        var picks = new List<string>();
        for (var i = 0; i < count; i++)
        {
            var endpoint = cluster.PickEndpoint(TestUpstream.Exchange(), null)!;
            picks.Add(endpoint.Address);
            cluster.ReportOutcome(endpoint, 200, ForwarderError.None);
        }

        return picks;
    }
}
