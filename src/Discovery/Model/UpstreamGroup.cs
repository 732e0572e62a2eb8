namespace Sluice.Discovery.Model;

public sealed record UpstreamGroup : Resource
{
    public required UpstreamGroupSpec Spec { get; init; }
}

public sealed record UpstreamGroupSpec
{
    public IReadOnlyList<WeightedDestination> Destinations { get; init; } = [];
}
