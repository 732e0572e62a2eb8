using Sluice.Discovery.Model;
using Sluice.Gateway.Upstreams;
using Sluice.Gateway.Upstreams.HealthChecking;

namespace Sluice.Gateway.Tests.Upstreams.HealthChecking;

public sealed class EndpointHealthTests
{
    [Fact]
    public void StartsHealthy_AndTheFirstFailedCheckDecides()
    {
        var endpoint = NewEndpoint();
        Assert.False(endpoint.IsUnhealthy);
        Assert.False(endpoint.IsHealthVerified);

        Assert.True(endpoint.RecordCheckFailure(unhealthyThreshold: 3, immediate: false));
        Assert.True(endpoint.IsUnhealthy);
    }

    [Fact]
    public void Healthy_NetworkFailuresCountToTheThreshold()
    {
        var endpoint = NewEndpoint();
        endpoint.RecordCheckSuccess(healthyThreshold: 2, now: 0);

        Assert.False(endpoint.RecordCheckFailure(3, immediate: false));
        Assert.False(endpoint.RecordCheckFailure(3, immediate: false));
        Assert.False(endpoint.IsUnhealthy);
        Assert.True(endpoint.RecordCheckFailure(3, immediate: false));
        Assert.True(endpoint.IsUnhealthy);
    }

    [Fact]
    public void Healthy_ASuccessResetsTheFailureCount()
    {
        var endpoint = NewEndpoint();
        endpoint.RecordCheckSuccess(2, 0);

        endpoint.RecordCheckFailure(3, immediate: false);
        endpoint.RecordCheckFailure(3, immediate: false);
        endpoint.RecordCheckSuccess(2, 0);
        endpoint.RecordCheckFailure(3, immediate: false);

        Assert.False(endpoint.IsUnhealthy);
    }

    [Fact]
    public void Healthy_AnUnexpectedStatusIsUnhealthyAtOnce_AsEnvoy()
    {
        var endpoint = NewEndpoint();
        endpoint.RecordCheckSuccess(2, 0);

        Assert.True(endpoint.RecordCheckFailure(5, immediate: true));
        Assert.True(endpoint.IsUnhealthy);
    }

    [Fact]
    public void Unhealthy_NeedsHealthyThresholdSuccesses_AndRestartsSlowStart()
    {
        var endpoint = NewEndpoint();
        endpoint.RecordCheckFailure(1, immediate: true);
        var version = endpoint.Owner.HealthVersion;

        Assert.False(endpoint.RecordCheckSuccess(3, now: 100));
        Assert.False(endpoint.RecordCheckSuccess(3, now: 200));
        Assert.True(endpoint.IsUnhealthy);
        Assert.True(endpoint.RecordCheckSuccess(3, now: 300));
        Assert.False(endpoint.IsUnhealthy);
        Assert.Equal(300, endpoint.ServingSince);
        Assert.NotEqual(version, endpoint.Owner.HealthVersion);
    }

    [Fact]
    public void ClearHealth_PutsAnUnhealthyEndpointBack()
    {
        var endpoint = NewEndpoint();
        endpoint.RecordCheckFailure(1, immediate: true);

        endpoint.ClearHealth();

        Assert.False(endpoint.IsUnhealthy);
    }

    [Fact]
    public void UnhealthyEndpoints_LeaveTheRotation()
    {
        var state = new UpstreamState("u");
        var endpoints = TestUpstream.Endpoints(state, 1, 1, 1);
        var cluster = TestUpstream.Cluster(endpoints, state);

        endpoints[1].State.RecordCheckFailure(1, immediate: true);

        Assert.DoesNotContain(endpoints[1].Address, TestUpstream.Distribution(cluster, 30).Where(c => c.Value > 0).Select(c => c.Key));
    }

    [Theory]
    [InlineData(200, true)]
    [InlineData(201, false)]
    [InlineData(503, false)]
    public void DefaultExpectedStatus_Is200Only(int status, bool expected)
    {
        var policy = new HealthCheckPolicy(new HealthCheck
        {
            Timeout = TimeSpan.FromSeconds(1), Interval = TimeSpan.FromSeconds(1), UnhealthyThreshold = 1, HealthyThreshold = 1,
            HttpHealthCheck = new HttpHealthCheck { Path = "/healthz" },
        });

        Assert.Equal(expected, policy.IsExpected(status));
    }

    [Fact]
    public void ExpectedStatuses_AreHalfOpenRanges()
    {
        var policy = new HealthCheckPolicy(new HealthCheck
        {
            Timeout = TimeSpan.FromSeconds(1), Interval = TimeSpan.FromSeconds(1), UnhealthyThreshold = 1, HealthyThreshold = 1,
            HttpHealthCheck = new HttpHealthCheck { Path = "/healthz", ExpectedStatuses = [new Int64Range { Start = 200, End = 300 }] },
        });

        Assert.True(policy.IsExpected(299));
        Assert.False(policy.IsExpected(300));
    }

    private static EndpointState NewEndpoint() => new UpstreamState("u").Endpoint("10.0.0.1:80", 0);
}
