using System.Numerics;
using Sluice.Filters;
using Sluice.Gateway.DataPlane;

namespace Sluice.Gateway.Upstreams.LoadBalancing;

/// <summary>
/// Envoy's ring hash (Ketama-style consistent hashing): every endpoint owns points on a ring of 64-bit hashes in
/// proportion to its weight; a request's <see cref="ProxyExchange.HashKey"/> goes to the first point at or after it.
/// The ring covers every configured endpoint and is built once per snapshot; an endpoint that is ejected or
/// unhealthy is walked past, which is exactly the ring without it, so only its own keys move. Without a hash key
/// the pick is random, as in Envoy.
/// </summary>
internal sealed class RingHashLoadBalancer : LoadBalancer
{
    public const long DefaultMinimumRingSize = 1024;
    public const long DefaultMaximumRingSize = 8 * 1024 * 1024;

    private readonly ulong[] _hashes;
    private readonly int[] _owners;
    private readonly UpstreamEndpoint[] _endpoints;
    private readonly Random _random;

    public RingHashLoadBalancer(UpstreamEndpoint[] endpoints, long minimumRingSize, long maximumRingSize, Random random)
    {
        _endpoints = endpoints;
        _random = random;
        long totalWeight = 0;
        foreach (var endpoint in endpoints)
        {
            totalWeight += endpoint.Weight;
        }

        // Points per unit of weight so that the ring reaches the minimum size, capped by the maximum. Rounding up to a
        // power of two (Sluice's choice; Envoy does not round) keeps the count unchanged when an endpoint joins or
        // leaves within the same power, so that only the keys of the endpoint that changed move.
        var perWeight = totalWeight == 0 ? 0 : (long)BitOperations.RoundUpToPowerOf2((ulong)Math.Max(1, (minimumRingSize + totalWeight - 1) / totalWeight));
        var capped = perWeight * totalWeight > maximumRingSize;
        var ring = new List<(ulong Hash, int Owner)>();
        for (var i = 0; i < endpoints.Length; i++)
        {
            var points = capped ? Math.Max(1, maximumRingSize * endpoints[i].Weight / totalWeight) : perWeight * endpoints[i].Weight;

            // Envoy hashes "address_index"; what matters is that a point depends only on its endpoint.
            for (var p = 0; p < points; p++)
            {
                ring.Add((EndpointHash.Of($"{endpoints[i].Address}_{p}"), i));
            }
        }

        ring.Sort(static (a, b) => a.Hash.CompareTo(b.Hash));
        _hashes = new ulong[ring.Count];
        _owners = new int[ring.Count];
        for (var i = 0; i < ring.Count; i++)
        {
            _hashes[i] = ring[i].Hash;
            _owners[i] = ring[i].Owner;
        }
    }

    public override string Name => "ringHash";

    public int RingSize => _hashes.Length;

    public override UpstreamEndpoint Pick(EndpointSelection selection, ProxyExchange? exchange, UpstreamEndpoint? avoid)
    {
        if (exchange?.HashKey is not { } key || _hashes.Length == 0)
        {
            return Avoiding(selection.Candidates, RandomLoadBalancer.Draw(_random, selection), avoid);
        }

        var available = selection.Available;
        var start = LowerBound(_hashes, key);
        for (var step = 0; step < _hashes.Length; step++)
        {
            var owner = _owners[(start + step) % _hashes.Length];
            if (available[owner] && (avoid is null || !ReferenceEquals(_endpoints[owner].State, avoid.State)))
            {
                return _endpoints[owner];
            }
        }

        return selection.Candidates[0];
    }

    /// <summary>The first index whose hash is at or after <paramref name="key"/>, wrapping to 0 past the end.</summary>
    private static int LowerBound(ulong[] hashes, ulong key)
    {
        int low = 0, high = hashes.Length;
        while (low < high)
        {
            var middle = (low + high) >>> 1;
            if (hashes[middle] < key)
            {
                low = middle + 1;
            }
            else
            {
                high = middle;
            }
        }

        return low == hashes.Length ? 0 : low;
    }
}
