using Sluice.Filters;
using Sluice.Gateway.DataPlane;

namespace Sluice.Gateway.Upstreams.LoadBalancing;

/// <summary>
/// Maglev consistent hashing (Google's Maglev paper, as in Envoy): a lookup table of a prime size where every
/// candidate fills slots along its own permutation, in proportion to its weight; a request's hash key selects a
/// slot. The table is rebuilt when the candidates change; removing an endpoint moves its keys and, unlike a ring,
/// a small share of others. Without a hash key the pick is random, as in Envoy.
/// </summary>
internal sealed class MaglevLoadBalancer(Random random) : LoadBalancer
{
    /// <summary>Envoy's default table size (a prime).</summary>
    public const int TableSize = 65_537;

    public override string Name => "maglev";

    public override object? Prepare(UpstreamEndpoint[] candidates) => Build(candidates, TableSize);

    public override UpstreamEndpoint Pick(EndpointSelection selection, ProxyExchange? exchange, UpstreamEndpoint? avoid)
    {
        if (exchange?.HashKey is not { } key || selection.Table is not int[] table)
        {
            return Avoiding(selection.Candidates, RandomLoadBalancer.Draw(random, selection), avoid);
        }

        return Avoiding(selection.Candidates, table[(int)(key % (ulong)table.Length)], avoid);
    }

    public static int[] Build(UpstreamEndpoint[] candidates, int size)
    {
        var table = new int[size];
        Array.Fill(table, -1);
        var count = candidates.Length;
        var offsets = new long[count];
        var skips = new long[count];
        var next = new long[count];
        var filledBy = new long[count];
        long maxWeight = 1;
        for (var i = 0; i < count; i++)
        {
            offsets[i] = (long)(EndpointHash.Of(candidates[i].Address, seed: 0) % (ulong)size);
            skips[i] = (long)(EndpointHash.Of(candidates[i].Address, seed: 1) % (ulong)(size - 1)) + 1;
            maxWeight = Math.Max(maxWeight, candidates[i].Weight);
        }

        var filled = 0;
        for (long round = 1; filled < size; round++)
        {
            for (var i = 0; i < count && filled < size; i++)
            {
                // Weighted Maglev: an endpoint takes a turn only while its slots lag its share of the rounds so far.
                if (filledBy[i] * maxWeight >= round * candidates[i].Weight)
                {
                    continue;
                }

                var slot = (offsets[i] + next[i] * skips[i]) % size;
                while (table[slot] >= 0)
                {
                    next[i]++;
                    slot = (offsets[i] + next[i] * skips[i]) % size;
                }

                table[slot] = i;
                next[i]++;
                filledBy[i]++;
                filled++;
            }
        }

        return table;
    }
}
