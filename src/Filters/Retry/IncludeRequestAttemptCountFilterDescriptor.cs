namespace Sluice.Filters.Retry;

/// <summary>
/// <c>options.includeRequestAttemptCount</c> (Gloo's virtual-host option, Envoy's <c>include_request_attempt_count</c>):
/// each upstream request carries <c>x-envoy-attempt-count</c>, 1 for the first attempt, replacing the client's.
/// </summary>
internal sealed class IncludeRequestAttemptCountFilterDescriptor : FilterDescriptor<bool>
{
    public override string OptionName => "includeRequestAttemptCount";

    public override FilterStage Stage => FilterStage.Route;

    protected override HttpFilter Compile(bool options) => new AttemptCountRequestFilter(options);
}

/// <summary>Marks the exchange so the forwarding loop numbers every attempt; the first is numbered here.</summary>
internal sealed class AttemptCountRequestFilter(bool enabled) : HttpFilter
{
    public override FilterStage Stage => FilterStage.Route;

    public override string Describe() => enabled ? "includeRequestAttemptCount" : "includeRequestAttemptCount disabled";

    public override ValueTask<FilterVerdict> OnRequestAsync(ProxyExchange exchange)
    {
        exchange.IncludeAttemptCountInRequest = enabled;
        if (enabled)
        {
            exchange.HttpContext.Request.Headers[AttemptCountResponseFilter.HeaderName] = AttemptCountText.Of(exchange.AttemptCount);
        }

        return new(FilterVerdict.Continue);
    }
}
