using Sluice.Filters;
using Sluice.Gateway.DataPlane;

namespace Sluice.Gateway.Upstreams.LoadBalancing;

/// <summary>
/// Envoy's default: each candidate in turn. With unequal weights the turns follow a smooth weighted schedule
/// (nginx's algorithm), so a weight-3 endpoint gets three of every four requests, interleaved, not in bursts.
/// </summary>
internal sealed class RoundRobinLoadBalancer : LoadBalancer
{
    private int _next = -1;

    public override string Name => "roundRobin";

    public override bool SupportsSlowStart => true;

    public override object? Prepare(UpstreamEndpoint[] candidates) =>
        HasUniformWeights(candidates) ? null : WeightedSchedule.Build(candidates);

    public override UpstreamEndpoint Pick(EndpointSelection selection, ProxyExchange? exchange, UpstreamEndpoint? avoid)
    {
        var candidates = selection.Candidates;
        var turn = (uint)Interlocked.Increment(ref _next);
        var index = selection.Table is int[] schedule ? schedule[turn % (uint)schedule.Length] : (int)(turn % (uint)candidates.Length);
        return Avoiding(candidates, index, avoid);
    }
}
