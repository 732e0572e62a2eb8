namespace Sluice.Filters.BufferLimits;

/// <summary>
/// <c>options.bufferPerRoute</c>: the request body limit of a virtual host, route or destination. Unlike Gloo, where
/// it only overrides a listener-level <c>buffer</c> and does nothing without one, in Sluice it works on its own.
/// </summary>
internal sealed class BufferPerRouteFilterDescriptor : FilterDescriptor<BufferPerRouteOptions>
{
    public override string OptionName => "bufferPerRoute";

    public override FilterStage Stage => RequestBodyLimitFilter.LimitStage;

    protected override void Validate(BufferPerRouteOptions options, IOptionsDiagnostics diagnostics)
    {
        // Gloo's oneof: exactly one of the two, and disabled may only be true.
        if (options.Disabled is not null && options.Buffer is not null)
        {
            diagnostics.Error(string.Empty, "set either disabled: true or buffer, not both");
        }
        else if (options.Disabled is null && options.Buffer is null)
        {
            diagnostics.Error(string.Empty, "set either disabled: true (no limit here) or buffer: {maxRequestBytes: N}");
        }
        else if (options.Disabled == false)
        {
            diagnostics.Error("disabled", "disabled can only be true; to set a limit, use buffer: {maxRequestBytes: N}");
        }

        if (options.Buffer is { } buffer)
        {
            BufferFilterDescriptor.ValidateLimit(buffer, "buffer.maxRequestBytes", diagnostics);
        }
    }

    protected override HttpFilter Compile(BufferPerRouteOptions options) =>
        new RequestBodyLimitFilter(options.Buffer?.MaxRequestBytes, overridesListenerLimit: true);
}
