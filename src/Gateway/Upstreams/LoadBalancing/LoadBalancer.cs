using Sluice.Filters;
using Sluice.Gateway.DataPlane;

namespace Sluice.Gateway.Upstreams.LoadBalancing;

/// <summary>
/// Chooses the endpoint for one attempt among a selection's candidates. One instance per cluster per snapshot; it
/// may keep lock-free counters. <see cref="Pick"/> runs on every attempt: no locks, no LINQ, no allocation.
/// </summary>
internal abstract class LoadBalancer
{
    /// <summary>The Gloo name of the algorithm, for logs and inspect.</summary>
    public abstract string Name { get; }

    /// <summary>Whether Envoy's slow start applies to this algorithm (round robin and least request).</summary>
    public virtual bool SupportsSlowStart => false;

    /// <summary>Per-selection data for the candidates (a weighted schedule, a Maglev table); runs when availability changes.</summary>
    public virtual object? Prepare(UpstreamEndpoint[] candidates) => null;

    /// <summary>
    /// The endpoint for this attempt. <paramref name="avoid"/> is the endpoint the previous attempt went to: another one
    /// is chosen when the selection has one. The selection has at least two candidates.
    /// </summary>
    public abstract UpstreamEndpoint Pick(EndpointSelection selection, ProxyExchange? exchange, UpstreamEndpoint? avoid);

    public static bool HasUniformWeights(UpstreamEndpoint[] endpoints)
    {
        for (var i = 1; i < endpoints.Length; i++)
        {
            if (endpoints[i].Weight != endpoints[0].Weight)
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>The candidate at <paramref name="index"/>, or the next one when it is the one to avoid.</summary>
    protected static UpstreamEndpoint Avoiding(UpstreamEndpoint[] candidates, int index, UpstreamEndpoint? avoid)
    {
        var picked = candidates[index];
        return avoid is not null && ReferenceEquals(picked.State, avoid.State) ? candidates[(index + 1) % candidates.Length] : picked;
    }
}
