namespace Sluice.Filters.Rewrite;

internal sealed class PrefixRewriteFilter(string replacement) : HttpFilter
{
    public override FilterStage Stage => FilterStage.Route;

    public string Replacement { get; } = replacement;

    public override string Describe() => $"prefixRewrite {Replacement}";

    public override ValueTask<FilterVerdict> OnRequestAsync(ProxyExchange exchange)
    {
        exchange.UpstreamPath = PrefixSplice.Apply(exchange.RoutePath, exchange.MatchedPathLength, Replacement);
        return new(FilterVerdict.Continue);
    }
}
