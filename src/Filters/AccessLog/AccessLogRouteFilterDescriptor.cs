namespace Sluice.Filters.AccessLog;

/// <summary>
/// <c>options.accessLog</c> (Sluice's own; Gloo has no per-route switch): <c>{ disabled: true }</c> leaves a route's
/// (or a virtual host's) requests out of the listener's access logs, e.g. health checks or noisy polling endpoints.
/// Merged like every option, so a route can set <c>disabled: false</c> under a virtual host that disables it.
/// Metrics and traces still count those requests.
/// </summary>
internal sealed class AccessLogRouteFilterDescriptor : FilterDescriptor<AccessLogRouteOptions>
{
    public override string OptionName => "accessLog";

    // First in the chain, so a request a later filter answers itself (a fault, a CORS preflight) is still left out.
    public override FilterStage Stage => FilterStage.Fault;

    protected override HttpFilter Compile(AccessLogRouteOptions options) => new AccessLogRouteFilter(options.Disabled);
}

/// <summary>The options of <c>accessLog</c>.</summary>
public sealed record AccessLogRouteOptions
{
    /// <summary>True leaves the requests out of the access logs.</summary>
    public bool Disabled { get; init; }
}

internal sealed class AccessLogRouteFilter(bool disabled) : HttpFilter
{
    public override FilterStage Stage => FilterStage.Fault;

    public override string Describe() => disabled ? "accessLog disabled" : "accessLog enabled";

    public override ValueTask<FilterVerdict> OnRequestAsync(ProxyExchange exchange)
    {
        exchange.AccessLogDisabled = disabled;
        return new(FilterVerdict.Continue);
    }
}
