namespace Sluice.Filters.BufferLimits;

/// <summary>
/// <c>options.buffer</c>: the listener-wide request body limit (Gloo puts it in <c>httpGateway.options</c>). Any
/// <c>bufferPerRoute</c> in the same merged options overrides it, as Envoy's per-route config overrides the filter's.
/// </summary>
internal sealed class BufferFilterDescriptor : FilterDescriptor<BufferOptions>
{
    public override string OptionName => "buffer";

    public override FilterStage Stage => RequestBodyLimitFilter.LimitStage;

    protected override void Validate(BufferOptions options, IOptionsDiagnostics diagnostics) =>
        ValidateLimit(options, "maxRequestBytes", diagnostics);

    protected override HttpFilter Compile(BufferOptions options) =>
        new RequestBodyLimitFilter(options.MaxRequestBytes, overridesListenerLimit: false);

    internal static void ValidateLimit(BufferOptions options, string path, IOptionsDiagnostics diagnostics)
    {
        if (options.MaxRequestBytes == 0)
        {
            diagnostics.Error(path, "maxRequestBytes must be greater than 0; to lift a limit on a route, use bufferPerRoute: {disabled: true}");
        }
    }
}
