namespace Sluice.Filters.Cors;

/// <summary>
/// <c>cors: {disableForRoute: true}</c>: this route overrides the virtual host's policy with none, so nothing is
/// answered or added; requests reach the route as if no CORS policy existed.
/// </summary>
internal sealed class DisabledCorsFilter : HttpFilter
{
    public override FilterStage Stage => FilterStage.Cors;

    public override string Describe() => "cors disabled for route";
}
