namespace Sluice.Filters;

/// <summary>A filter that does nothing: an option that is switched off here (<c>disable: true</c> on a route).</summary>
internal sealed class NoOpFilter(FilterStage stage, string description) : HttpFilter
{
    public override FilterStage Stage => stage;

    public override string Describe() => description;
}
