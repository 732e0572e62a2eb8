using Sluice.Gateway.DataPlane;
using Sluice.Gateway.Upstreams;
using Sluice.Gateway.Upstreams.LoadBalancing;

namespace Sluice.Gateway.Tests.Upstreams.LoadBalancing;

public sealed class ConsistentHashTests
{
    private static readonly ulong[] Keys = [.. Enumerable.Range(0, 2000).Select(i => System.IO.Hashing.XxHash64.HashToUInt64(System.Text.Encoding.UTF8.GetBytes($"user-{i}")))];

    public static TheoryData<string> Algorithms() => new() { "ringHash", "maglev" };

    [Theory]
    [MemberData(nameof(Algorithms))]
    public void SameKey_SameEndpoint_AndKeysSpread(string algorithm)
    {
        var state = new UpstreamState("u");
        var endpoints = TestUpstream.Endpoints(state, 1, 1, 1, 1);
        var cluster = TestUpstream.Cluster(endpoints, state, Create(algorithm, endpoints));

        var first = Map(cluster);
        var second = Map(cluster);

        Assert.Equal(first, second);
        foreach (var endpoint in endpoints)
        {
            // 2000 keys over 4 endpoints: each should own a fair share.
            Assert.InRange(first.Count(a => a == endpoint.Address), 300, 700);
        }
    }

    [Theory]
    [MemberData(nameof(Algorithms))]
    public void WithoutHashKey_FallsBackToRandom(string algorithm)
    {
        var state = new UpstreamState("u");
        var endpoints = TestUpstream.Endpoints(state, 1, 1, 1);
        var cluster = TestUpstream.Cluster(endpoints, state, Create(algorithm, endpoints));

        var counts = TestUpstream.Distribution(cluster, 3000);

        Assert.All(counts.Values, c => Assert.InRange(c, 800, 1200));
    }

    [Fact]
    public void RingHash_EjectingAnEndpoint_MovesOnlyItsKeys_AndReturningRestoresThem()
    {
        var time = new FakeTime();
        var state = new UpstreamState("u");
        var endpoints = TestUpstream.Endpoints(state, 1, 1, 1, 1);
        var cluster = TestUpstream.Cluster(endpoints, state, Create("ringHash", endpoints), time);
        var before = Map(cluster);

        Assert.True(endpoints[2].State.TryEject(time.GetTimestamp() + TimeSpan.FromSeconds(30).Ticks));
        var during = Map(cluster);

        for (var i = 0; i < Keys.Length; i++)
        {
            if (before[i] == endpoints[2].Address)
            {
                Assert.NotEqual(endpoints[2].Address, during[i]);
            }
            else
            {
                Assert.Equal(before[i], during[i]);
            }
        }

        time.Advance(TimeSpan.FromSeconds(31));
        Assert.Equal(before, Map(cluster));
    }

    [Theory]
    [MemberData(nameof(Algorithms))]
    public void RemovingAnEndpointFromTheConfig_MovesItsKeys_AndFewOthers(string algorithm)
    {
        var state = new UpstreamState("u");
        var endpoints = TestUpstream.Endpoints(state, 1, 1, 1, 1, 1);
        var before = Map(TestUpstream.Cluster(endpoints, state, Create(algorithm, endpoints)));
        UpstreamEndpoint[] remaining = [endpoints[0], endpoints[1], endpoints[3], endpoints[4]];
        var after = Map(TestUpstream.Cluster(remaining, state, Create(algorithm, remaining)));

        var othersMoved = 0;
        for (var i = 0; i < Keys.Length; i++)
        {
            if (before[i] == endpoints[2].Address)
            {
                Assert.NotEqual(endpoints[2].Address, after[i]);
            }
            else if (before[i] != after[i])
            {
                othersMoved++;
            }
        }

        // Ring hash: the points per endpoint stay the same (rounded to a power of two), so nothing else moves.
        // Maglev: the table is refilled, which moves a small share of other keys too.
        Assert.InRange(othersMoved, 0, algorithm == "ringHash" ? 0 : Keys.Length * 6 / 100);
    }

    [Fact]
    public void RingHash_Weights_GiveProportionalShares()
    {
        var state = new UpstreamState("u");
        var endpoints = TestUpstream.Endpoints(state, 1, 3);
        var cluster = TestUpstream.Cluster(endpoints, state, Create("ringHash", endpoints));

        var heavy = Map(cluster).Count(a => a == endpoints[1].Address);

        Assert.InRange(heavy, 1300, 1700);
    }

    [Fact]
    public void Maglev_Weights_GiveProportionalShares()
    {
        var state = new UpstreamState("u");
        var endpoints = TestUpstream.Endpoints(state, 1, 3);
        var table = MaglevLoadBalancer.Build(endpoints, MaglevLoadBalancer.TableSize);

        Assert.InRange(table.Count(i => i == 1), MaglevLoadBalancer.TableSize * 74 / 100, MaglevLoadBalancer.TableSize * 76 / 100);
        Assert.DoesNotContain(-1, table);
    }

    [Fact]
    public void RingHash_RingSizeRespectsMinimumAndMaximum()
    {
        var state = new UpstreamState("u");
        var endpoints = TestUpstream.Endpoints(state, 1, 1, 1);

        Assert.InRange(new RingHashLoadBalancer(endpoints, 1024, 8_000_000, new Random(1)).RingSize, 1024, 2048);
        Assert.Equal(300, new RingHashLoadBalancer(endpoints, 1024, 300, new Random(1)).RingSize);
    }

    [Theory]
    [MemberData(nameof(Algorithms))]
    public void Retry_WithTheSameKey_GoesElsewhere(string algorithm)
    {
        var state = new UpstreamState("u");
        var endpoints = TestUpstream.Endpoints(state, 1, 1, 1);
        var cluster = TestUpstream.Cluster(endpoints, state, Create(algorithm, endpoints));

        foreach (var key in Keys.Take(50))
        {
            var first = cluster.PickEndpoint(TestUpstream.Exchange(key), null)!;
            Assert.NotEqual(first.Address, cluster.PickEndpoint(TestUpstream.Exchange(key), first)!.Address);
        }
    }

    private static LoadBalancer Create(string algorithm, UpstreamEndpoint[] endpoints) => algorithm == "ringHash"
        ? new RingHashLoadBalancer(endpoints, RingHashLoadBalancer.DefaultMinimumRingSize, RingHashLoadBalancer.DefaultMaximumRingSize, new Random(1))
        : new MaglevLoadBalancer(new Random(1));

    private static List<string> Map(UpstreamCluster cluster) =>
        [.. Keys.Select(key => cluster.PickEndpoint(TestUpstream.Exchange(key), null)!.Address)];
}
