using Sluice.Discovery.Model;
using Sluice.Gateway.DataPlane;

namespace Sluice.Gateway.Routing;

/// <summary>What a matched route does.</summary>
internal abstract class RouteTarget;

/// <summary>Forward to one of several upstreams, chosen by weight per request.</summary>
internal sealed class ForwardTarget(WeightedCluster[] clusters) : RouteTarget
{
    private readonly uint _totalWeight = (uint)clusters.Sum(c => (long)c.Weight);

    public WeightedCluster[] Clusters { get; } = clusters;

    public WeightedCluster Pick()
    {
        if (Clusters.Length == 1)
        {
            return Clusters[0];
        }

        var point = (uint)Random.Shared.NextInt64(_totalWeight);
        foreach (var candidate in Clusters)
        {
            if (point < candidate.Weight)
            {
                return candidate;
            }

            point -= candidate.Weight;
        }

        return Clusters[^1];
    }
}

/// <param name="Filters">The chain with this destination's own options merged in; null when it has none.</param>
internal sealed record WeightedCluster(UpstreamCluster Cluster, uint Weight, Sluice.Filters.HttpFilter[]? Filters)
{
    /// <summary>The route's options with this destination's merged in, when it has its own (for inspect).</summary>
    public Translation.MergedOptions? Options { get; init; }

    /// <summary>The option name each filter of <see cref="Filters"/> was compiled from, index for index.</summary>
    public string[] FilterOptions { get; init; } = [];

    /// <summary>Where the destination is written (for inspect).</summary>
    public Translation.OptionSource? Source { get; init; }
}

internal sealed class DirectResponseTarget(int status, byte[] body) : RouteTarget
{
    public int Status { get; } = status;

    public byte[] Body { get; } = body;
}

internal sealed class RedirectTarget(RedirectAction action) : RouteTarget
{
    public RedirectAction Action { get; } = action;

    public int Status { get; } = action.ResponseCode switch
    {
        RedirectResponseCode.FOUND => 302,
        RedirectResponseCode.SEE_OTHER => 303,
        RedirectResponseCode.TEMPORARY_REDIRECT => 307,
        RedirectResponseCode.PERMANENT_REDIRECT => 308,
        _ => 301,
    };
}
