using Sluice.Filters;
using Sluice.Gateway.DataPlane;

namespace Sluice.Gateway.Upstreams.LoadBalancing;

/// <summary>
/// Envoy's least request: draw <c>choiceCount</c> random candidates (two by default: "power of two choices") and take
/// the one with the fewest attempts in flight; with unequal weights, the fewest in flight per unit of weight. When
/// there are no more candidates than choices, Sluice compares them all (Envoy draws with replacement, so with two
/// endpoints it would send a quarter of the traffic to the busier one).
/// </summary>
internal sealed class LeastRequestLoadBalancer(int choiceCount, Random random) : LoadBalancer
{
    public const int DefaultChoiceCount = 2;

    private static readonly object Weighted = new();

    public int ChoiceCount { get; } = choiceCount;

    public override string Name => "leastRequest";

    public override bool SupportsSlowStart => true;

    public override object? Prepare(UpstreamEndpoint[] candidates) => HasUniformWeights(candidates) ? null : Weighted;

    public override UpstreamEndpoint Pick(EndpointSelection selection, ProxyExchange? exchange, UpstreamEndpoint? avoid)
    {
        var candidates = selection.Candidates;
        var weighted = selection.Table is not null;
        var best = -1;
        if (candidates.Length <= ChoiceCount)
        {
            // Start at a random place so that ties spread instead of always going to the first endpoint.
            var start = random.Next(candidates.Length);
            for (var step = 0; step < candidates.Length; step++)
            {
                var index = (start + step) % candidates.Length;
                if (!IsAvoided(candidates[index], avoid) && (best < 0 || Better(candidates[index], candidates[best], weighted)))
                {
                    best = index;
                }
            }

            return best < 0 ? candidates[start] : candidates[best];
        }

        for (var choice = 0; choice < ChoiceCount; choice++)
        {
            var index = random.Next(candidates.Length);
            if (IsAvoided(candidates[index], avoid))
            {
                index = (index + 1) % candidates.Length;
            }

            if (best < 0 || Better(candidates[index], candidates[best], weighted))
            {
                best = index;
            }
        }

        return candidates[best];
    }

    private static bool IsAvoided(UpstreamEndpoint endpoint, UpstreamEndpoint? avoid) =>
        avoid is not null && ReferenceEquals(endpoint.State, avoid.State);

    private static bool Better(UpstreamEndpoint candidate, UpstreamEndpoint best, bool weighted)
    {
        var candidateActive = (long)candidate.State.ActiveRequests;
        var bestActive = (long)best.State.ActiveRequests;
        return weighted
            ? (candidateActive + 1) * best.Weight < (bestActive + 1) * candidate.Weight
            : candidateActive < bestActive;
    }
}
