using Sluice.Filters;
using Sluice.Gateway.Translation;

namespace Sluice.Gateway.Routing;

/// <summary>
/// One route ready to serve: its conditions (OR), what it does, and its filter chain ordered by stage.
/// <see cref="Provenance"/> says which resource and field path it came from, for inspect and errors.
/// </summary>
internal sealed class CompiledRoute
{
    public required string Name { get; init; }

    public required string Provenance { get; init; }

    public required RouteCondition[] Conditions { get; init; }

    public required RouteTarget Target { get; init; }

    public HttpFilter[] Filters { get; init; } = [];

    // What follows is kept for inspect and route test only; the request path never reads it.

    /// <summary>Where the route is written: its owner (VirtualService or RouteTable) and field path.</summary>
    public OptionSource? Source { get; init; }

    /// <summary>The delegating routes this route was reached through, outermost first (empty when written in place).</summary>
    public OptionSource[] DelegatedThrough { get; init; } = [];

    /// <summary>The effective options (Gateway, virtual host, delegation parents, route) with where each came from.</summary>
    public MergedOptions Options { get; init; } = MergedOptions.Empty;

    /// <summary>The option name each filter of <see cref="Filters"/> was compiled from, index for index.</summary>
    public string[] FilterOptions { get; init; } = [];
}
