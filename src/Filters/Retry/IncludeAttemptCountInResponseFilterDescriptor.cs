namespace Sluice.Filters.Retry;

/// <summary>
/// <c>options.includeAttemptCountInResponse</c> (Gloo's virtual-host option, Envoy's <c>include_attempt_count_in_response</c>):
/// the response carries <c>x-envoy-attempt-count</c>, the number of attempts the request took, replacing any the
/// upstream sent. Also accepted under <c>includeRequestAttemptCountInResponse</c>.
/// </summary>
internal sealed class IncludeAttemptCountInResponseFilterDescriptor(string optionName = IncludeAttemptCountInResponseFilterDescriptor.GlooName) : FilterDescriptor<bool>
{
    public const string GlooName = "includeAttemptCountInResponse";

    public const string AliasName = "includeRequestAttemptCountInResponse";

    public override string OptionName => optionName;

    public override FilterStage Stage => FilterStage.Route;

    protected override void Validate(bool options, IOptionsDiagnostics diagnostics)
    {
        if (optionName != GlooName)
        {
            diagnostics.Warning(string.Empty, $"'{optionName}' is read as Gloo's '{GlooName}'; write that name");
        }
    }

    protected override HttpFilter Compile(bool options) => options ? AttemptCountResponseFilter.Instance : AttemptCountResponseFilter.Disabled;
}

/// <summary>Sets <c>x-envoy-attempt-count</c> on the response (the upstream's, or the gateway's own reply).</summary>
internal sealed class AttemptCountResponseFilter(bool enabled) : HttpFilter
{
    public const string HeaderName = "x-envoy-attempt-count";

    public static AttemptCountResponseFilter Instance { get; } = new(enabled: true);

    public static AttemptCountResponseFilter Disabled { get; } = new(enabled: false);

    public override FilterStage Stage => FilterStage.Route;

    public override string Describe() => enabled ? "includeAttemptCountInResponse" : "includeAttemptCountInResponse disabled";

    public override void OnResponseHeaders(ProxyExchange exchange)
    {
        if (enabled)
        {
            exchange.HttpContext.Response.Headers[HeaderName] = AttemptCountText.Of(exchange.AttemptCount);
        }
    }
}
