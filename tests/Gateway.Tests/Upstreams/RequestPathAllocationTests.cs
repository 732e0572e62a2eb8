using Sluice.Discovery.Model;
using Sluice.Gateway.DataPlane;
using Sluice.Gateway.Upstreams;
using Sluice.Gateway.Upstreams.LoadBalancing;
using Sluice.Gateway.Upstreams.OutlierDetection;
using Yarp.ReverseProxy.Forwarder;

namespace Sluice.Gateway.Tests.Upstreams;

/// <summary>The per-attempt contract (admit, pick, report, exit) allocates nothing once the selection is built.</summary>
public sealed class RequestPathAllocationTests
{
    public static TheoryData<string> Algorithms() => new() { "roundRobin", "weightedRoundRobin", "leastRequest", "random", "ringHash", "maglev" };

    [Theory]
    [MemberData(nameof(Algorithms))]
    public void AdmitPickReportExit_AllocatesNothing(string algorithm)
    {
        var state = new UpstreamState("u");
        var endpoints = TestUpstream.Endpoints(state, algorithm == "weightedRoundRobin" ? [1, 2, 3, 4] : [1, 1, 1, 1]);
        LoadBalancer balancer = algorithm switch
        {
            "leastRequest" => new LeastRequestLoadBalancer(2, Random.Shared),
            "random" => new RandomLoadBalancer(Random.Shared),
            "ringHash" => new RingHashLoadBalancer(endpoints, 1024, 1 << 20, Random.Shared),
            "maglev" => new MaglevLoadBalancer(Random.Shared),
            _ => new RoundRobinLoadBalancer(),
        };
        var cluster = TestUpstream.Cluster(endpoints, state, balancer, options: new UpstreamClusterOptions
        {
            OutlierDetector = new OutlierDetector(new OutlierDetectionConfig { MaxEjectionPercent = 50 }),
        });
        var exchange = TestUpstream.Exchange(hashKey: 12345);
        // Warm up with as many attempts as are measured: the first ejection and the first measurement of a new
        // metric series (another test's listener may be attached) allocate once, and must happen before measuring.
        Run(cluster, exchange, 10_000);

        var before = GC.GetAllocatedBytesForCurrentThread();
        Run(cluster, exchange, 10_000);
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.Equal(0, allocated);
    }

    private static void Run(UpstreamCluster cluster, Sluice.Filters.ProxyExchange exchange, int attempts)
    {
        UpstreamEndpoint? previous = null;
        for (var i = 0; i < attempts; i++)
        {
            Assert.True(cluster.TryEnterRequest(out _));
            var endpoint = cluster.PickEndpoint(exchange, previous)!;
            cluster.ReportOutcome(endpoint, i % 7 == 0 ? 500 : 200, ForwarderError.None);
            cluster.ExitRequest();
            previous = i % 3 == 0 ? endpoint : null;
        }
    }
}
