namespace Sluice.Filters.Rewrite;

internal sealed class PrefixRewriteFilter(string replacement) : HttpFilter
{
    public override FilterStage Stage => FilterStage.Route;

    public string Replacement { get; } = replacement;

    public override string Describe() => $"prefixRewrite {Replacement}";

    public override ValueTask<FilterVerdict> OnRequestAsync(ProxyExchange exchange)
    {
        var path = exchange.RoutePath;
        var rest = path.AsSpan(Math.Min(exchange.MatchedPathLength, path.Length));

        // "/api" rewritten to "/" on "/api/users" would give "//users" under Envoy's literal splice;
        // every Gloo user who writes that means "/users".
        if (Replacement.EndsWith('/') && rest.StartsWith('/'))
        {
            rest = rest[1..];
        }

        exchange.UpstreamPath = rest.IsEmpty ? Replacement : string.Concat(Replacement, rest);
        return new(FilterVerdict.Continue);
    }
}
