namespace Sluice.Filters.Timeout;

/// <summary>
/// <c>options.timeout</c>: Envoy's route timeout, the time allowed for the whole upstream exchange (until the
/// response is complete). Zero disables it, as in Envoy. On expiry the client gets 504 if nothing was sent yet.
/// </summary>
internal sealed class TimeoutFilterDescriptor : FilterDescriptor<TimeSpan>
{
    public override string OptionName => "timeout";

    public override FilterStage Stage => FilterStage.Route;

    protected override void Validate(TimeSpan options, IOptionsDiagnostics diagnostics)
    {
        if (options < TimeSpan.Zero)
        {
            diagnostics.Error(string.Empty, "timeout must not be negative");
        }
    }

    protected override HttpFilter Compile(TimeSpan options) => new TimeoutFilter(options == TimeSpan.Zero ? null : options);
}

internal sealed class TimeoutFilter(TimeSpan? timeout) : HttpFilter
{
    public override FilterStage Stage => FilterStage.Route;

    public override string Describe() => timeout is { } value ? $"timeout {value.TotalMilliseconds}ms" : "timeout disabled";

    public override ValueTask<FilterVerdict> OnRequestAsync(ProxyExchange exchange)
    {
        exchange.Timeout = timeout;
        return new(FilterVerdict.Continue);
    }
}
