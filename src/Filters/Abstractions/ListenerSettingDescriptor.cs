namespace Sluice.Filters;

/// <summary>
/// A setting of the listener itself (Gloo's listener-level <c>httpGateway.options</c>, e.g.
/// <c>httpConnectionManagerSettings</c>), not a filter: it binds and validates like an option, is refused on virtual
/// hosts and routes, and is read by the listener when the configuration is translated, never run per request.
/// </summary>
public abstract class ListenerSettingDescriptor<TOptions> : FilterDescriptor<TOptions>
    where TOptions : notnull
{
    public sealed override FilterStage Stage => FilterStage.Route;

    public sealed override bool IsListenerSetting => true;

    public sealed override bool AllowedOnVirtualHost => false;

    protected sealed override HttpFilter Compile(TOptions options) =>
        throw new InvalidOperationException($"'{OptionName}' is a listener setting; the translator reads it, it never runs in a filter chain");
}
