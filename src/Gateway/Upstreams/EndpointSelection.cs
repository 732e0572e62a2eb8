using Sluice.Gateway.DataPlane;

namespace Sluice.Gateway.Upstreams;

/// <summary>
/// The endpoints one cluster may pick from right now, rebuilt only when availability changes (an ejection, a return,
/// a health check verdict), so the per-attempt pick reads an immutable array and allocates nothing.
/// </summary>
internal sealed class EndpointSelection
{
    public EndpointSelection(UpstreamEndpoint[] candidates, bool[] available, object? table, int version, long validUntil, bool panic)
    {
        Candidates = candidates;
        Available = available;
        Table = table;
        Version = version;
        ValidUntil = validUntil;
        Panic = panic;
    }

    /// <summary>The endpoints to choose from: the available ones, or all of them in panic mode.</summary>
    public UpstreamEndpoint[] Candidates { get; }

    /// <summary>By the endpoint's index in its cluster: whether it is a candidate (ring hash walks past the others).</summary>
    public bool[] Available { get; }

    /// <summary>The load balancer's data for these candidates (a weighted schedule, a Maglev table), or null.</summary>
    public object? Table { get; }

    /// <summary>The upstream's health version this selection was built from.</summary>
    public int Version { get; }

    /// <summary>When the earliest ejection among the endpoints ends (a timestamp); <see cref="long.MaxValue"/> when none is ejected.</summary>
    public long ValidUntil { get; }

    /// <summary>Too few endpoints were healthy (below the panic threshold), so health is disregarded, as Envoy does.</summary>
    public bool Panic { get; }
}
