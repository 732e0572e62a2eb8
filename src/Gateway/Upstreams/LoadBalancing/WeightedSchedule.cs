using Sluice.Gateway.DataPlane;

namespace Sluice.Gateway.Upstreams.LoadBalancing;

/// <summary>
/// A precomputed smooth weighted round-robin order (each slot the index of a candidate), built off the request path
/// whenever the candidates change; picking is then one array read.
/// </summary>
internal static class WeightedSchedule
{
    /// <summary>Longest schedule; larger weight sums are scaled down proportionally (each endpoint keeps at least one slot).</summary>
    public const int MaxLength = 16_384;

    public static int[] Build(UpstreamEndpoint[] candidates)
    {
        var weights = new long[candidates.Length];
        long divisor = 0;
        long total = 0;
        for (var i = 0; i < candidates.Length; i++)
        {
            weights[i] = candidates[i].Weight;
            divisor = Gcd(divisor, weights[i]);
            total += weights[i];
        }

        total = 0;
        for (var i = 0; i < weights.Length; i++)
        {
            weights[i] /= divisor;
            total += weights[i];
        }

        if (total > MaxLength)
        {
            var scaled = 0L;
            for (var i = 0; i < weights.Length; i++)
            {
                weights[i] = Math.Max(1, weights[i] * MaxLength / total);
                scaled += weights[i];
            }

            total = scaled;
        }

        var schedule = new int[total];
        var current = new long[weights.Length];
        for (var slot = 0; slot < schedule.Length; slot++)
        {
            var best = 0;
            for (var i = 0; i < weights.Length; i++)
            {
                current[i] += weights[i];
                if (current[i] > current[best])
                {
                    best = i;
                }
            }

            current[best] -= total;
            schedule[slot] = best;
        }

        return schedule;
    }

    private static long Gcd(long a, long b)
    {
        while (b != 0)
        {
            (a, b) = (b, a % b);
        }

        return a;
    }
}
