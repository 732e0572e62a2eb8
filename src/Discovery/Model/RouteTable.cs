namespace Sluice.Discovery.Model;

public sealed record RouteTable : Resource
{
    public required RouteTableSpec Spec { get; init; }
}

public sealed record RouteTableSpec
{
    public IReadOnlyList<Route> Routes { get; init; } = [];

    /// <summary>Ordering among tables chosen by one selector: lower weight first (Gloo).</summary>
    public int Weight { get; init; }
}
