using Sluice.Filters;
using Sluice.Gateway.DataPlane;

namespace Sluice.Gateway.Upstreams.LoadBalancing;

/// <summary>A uniformly (or, with weights, proportionally) random candidate for every attempt.</summary>
internal sealed class RandomLoadBalancer(Random random) : LoadBalancer
{
    public override string Name => "random";

    /// <summary>Cumulative weights, for a weighted draw by binary search.</summary>
    public override object? Prepare(UpstreamEndpoint[] candidates)
    {
        if (HasUniformWeights(candidates))
        {
            return null;
        }

        var cumulative = new long[candidates.Length];
        long total = 0;
        for (var i = 0; i < candidates.Length; i++)
        {
            total += candidates[i].Weight;
            cumulative[i] = total;
        }

        return cumulative;
    }

    public override UpstreamEndpoint Pick(EndpointSelection selection, ProxyExchange? exchange, UpstreamEndpoint? avoid) =>
        Avoiding(selection.Candidates, Draw(random, selection), avoid);

    /// <summary>A random candidate index, weighted when the selection carries cumulative weights.</summary>
    public static int Draw(Random random, EndpointSelection selection)
    {
        if (selection.Table is not long[] cumulative)
        {
            return random.Next(selection.Candidates.Length);
        }

        var point = random.NextInt64(cumulative[^1]);
        int low = 0, high = cumulative.Length - 1;
        while (low < high)
        {
            var middle = (low + high) >>> 1;
            if (cumulative[middle] > point)
            {
                high = middle;
            }
            else
            {
                low = middle + 1;
            }
        }

        return low;
    }
}
