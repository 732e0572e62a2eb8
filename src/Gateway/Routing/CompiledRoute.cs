using Sluice.Filters;

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
}
