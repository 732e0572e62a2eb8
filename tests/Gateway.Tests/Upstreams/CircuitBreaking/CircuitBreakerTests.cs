using Sluice.Gateway.DataPlane;
using Sluice.Gateway.Upstreams;
using Sluice.Gateway.Upstreams.CircuitBreaking;

namespace Sluice.Gateway.Tests.Upstreams.CircuitBreaking;

public sealed class CircuitBreakerTests
{
    [Fact]
    public void MaxRequests_ExactUnderParallelThreads()
    {
        // 16 threads try to enter together and hold their slot until all have tried: exactly 8 get in, every round.
        const int threads = 16;
        const int rounds = 200;
        var cluster = Create(new CircuitBreaker(1024, 1024, maxRequests: 8, maxRetries: 3, endpointCount: 1, multiplexed: false));
        var admittedPerRound = new int[rounds];
        using var barrier = new Barrier(threads);
        var workers = Enumerable.Range(0, threads).Select(_ => new Thread(() =>
        {
            for (var round = 0; round < rounds; round++)
            {
                var admitted = cluster.TryEnterRequest(out var overflow);
                if (admitted)
                {
                    Interlocked.Increment(ref admittedPerRound[round]);
                }
                else
                {
                    Assert.Equal("max_requests", overflow);
                }

                barrier.SignalAndWait();
                if (admitted)
                {
                    cluster.ExitRequest();
                }

                barrier.SignalAndWait();
            }
        })).ToList();

        workers.ForEach(w => w.Start());
        workers.ForEach(w => w.Join());

        Assert.All(admittedPerRound, admitted => Assert.Equal(8, admitted));
        Assert.Equal(0, cluster.State.RequestsInFlight);
    }

    [Fact]
    public void MaxRequests_NeverExceededUnderContention()
    {
        var cluster = Create(new CircuitBreaker(1024, 1024, maxRequests: 4, maxRetries: 3, endpointCount: 1, multiplexed: false));
        var inside = 0;
        var maxInside = 0;

        Parallel.For(0, 64, new ParallelOptions { MaxDegreeOfParallelism = 16 }, worker =>
        {
            for (var i = 0; i < 2000; i++)
            {
                if (cluster.TryEnterRequest(out _))
                {
                    InterlockedMax(ref maxInside, Interlocked.Increment(ref inside));
                    Thread.SpinWait(50);
                    Interlocked.Decrement(ref inside);
                    cluster.ExitRequest();
                }
            }
        });

        Assert.InRange(maxInside, 1, 4);
        Assert.Equal(0, cluster.State.RequestsInFlight);
    }

    [Fact]
    public void MaxRetries_ExactUnderParallelThreads()
    {
        var cluster = Create(new CircuitBreaker(1024, 1024, 1024, maxRetries: 3, endpointCount: 1, multiplexed: false));
        var inside = 0;
        var maxInside = 0;

        Parallel.For(0, 32, new ParallelOptions { MaxDegreeOfParallelism = 12 }, _ =>
        {
            for (var i = 0; i < 2000; i++)
            {
                if (cluster.TryEnterRetry(out var overflow))
                {
                    InterlockedMax(ref maxInside, Interlocked.Increment(ref inside));
                    Thread.SpinWait(20);
                    Interlocked.Decrement(ref inside);
                    cluster.ExitRetry();
                }
                else
                {
                    Assert.Equal("max_retries", overflow);
                }
            }
        });

        Assert.InRange(maxInside, 1, 3);
        Assert.Equal(0, cluster.State.RetriesInFlight);
    }

    [Fact]
    public void Sequential_TheLimitPlusOneIsRefused_AndExitFreesASlot()
    {
        var cluster = Create(new CircuitBreaker(1024, 1024, maxRequests: 2, maxRetries: 1, endpointCount: 1, multiplexed: false));

        Assert.True(cluster.TryEnterRequest(out _));
        Assert.True(cluster.TryEnterRequest(out _));
        Assert.False(cluster.TryEnterRequest(out var overflow));
        Assert.Equal("max_requests", overflow);
        cluster.ExitRequest();
        Assert.True(cluster.TryEnterRequest(out overflow));
        Assert.Null(overflow);

        Assert.True(cluster.TryEnterRetry(out _));
        Assert.False(cluster.TryEnterRetry(out overflow));
        Assert.Equal("max_retries", overflow);
    }

    [Fact]
    public void MaxPending_RequestsBeyondTheConnectionsWait_UpToTheLimit()
    {
        // One endpoint, one connection: one request is sent, one waits, the third overflows the pending queue.
        var cluster = Create(new CircuitBreaker(maxConnections: 1, maxPendingRequests: 1, maxRequests: 100, maxRetries: 3, endpointCount: 1, multiplexed: false));

        Assert.True(cluster.TryEnterRequest(out _));
        Assert.True(cluster.TryEnterRequest(out _));
        Assert.False(cluster.TryEnterRequest(out var overflow));
        Assert.Equal("max_pending", overflow);
    }

    [Fact]
    public void MaxPending_DoesNotApplyToHttp2()
    {
        var cluster = Create(new CircuitBreaker(maxConnections: 1, maxPendingRequests: 1, maxRequests: 100, maxRetries: 3, endpointCount: 1, multiplexed: true));

        for (var i = 0; i < 10; i++)
        {
            Assert.True(cluster.TryEnterRequest(out _));
        }
    }

    [Fact]
    public void Defaults_AreEnvoys()
    {
        var breaker = new UpstreamCluster("u", [], Yarp.ReverseProxy.Forwarder.ForwarderRequestConfig.Empty).CircuitBreaker;

        Assert.Equal((1024, 1024, 1024, 3), (breaker.MaxConnections, breaker.MaxPendingRequests, breaker.MaxRequests, breaker.MaxRetries));
    }

    [Fact]
    public void CountsLiveInTheUpstreamState_SoAReloadKeepsThem()
    {
        var state = new UpstreamState("u");
        var breaker = new CircuitBreaker(1024, 1024, maxRequests: 1, maxRetries: 3, endpointCount: 1, multiplexed: false);
        var before = TestUpstream.Cluster([], state, options: new UpstreamClusterOptions { CircuitBreaker = breaker });
        var after = TestUpstream.Cluster([], state, options: new UpstreamClusterOptions { CircuitBreaker = breaker });

        Assert.True(before.TryEnterRequest(out _));
        Assert.False(after.TryEnterRequest(out _));
        before.ExitRequest();
        Assert.True(after.TryEnterRequest(out _));
    }

    private static UpstreamCluster Create(CircuitBreaker breaker)
    {
        var state = new UpstreamState("u");
        return TestUpstream.Cluster(TestUpstream.Endpoints(state, 1), state, options: new UpstreamClusterOptions { CircuitBreaker = breaker });
    }

    private static void InterlockedMax(ref int target, int value)
    {
        var current = Volatile.Read(ref target);
        while (value > current)
        {
            var seen = Interlocked.CompareExchange(ref target, value, current);
            if (seen == current)
            {
                return;
            }

            current = seen;
        }
    }
}
