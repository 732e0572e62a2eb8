namespace Sluice.Filters.Fault;

/// <summary>
/// <c>options.faults</c>: Envoy's fault injection as Gloo exposes it on routes. It runs first (stage Fault), as Envoy's
/// fault filter sits first in Gloo's chain: a delay holds the request before anything else runs, then an abort answers
/// it without reaching the upstream. Each request rolls its own dice for each.
/// </summary>
internal sealed class FaultFilterDescriptor(Random random, TimeProvider time) : FilterDescriptor<FaultOptions>
{
    public FaultFilterDescriptor()
        : this(Random.Shared, TimeProvider.System)
    {
    }

    public override string OptionName => "faults";

    public override FilterStage Stage => FilterStage.Fault;

    public override bool AllowedOnVirtualHost => false;

    protected override void Validate(FaultOptions options, IOptionsDiagnostics diagnostics)
    {
        if (options.Abort is null && options.Delay is null)
        {
            diagnostics.Warning(string.Empty, "faults has neither abort nor delay, so it does nothing");
        }

        if (options.Abort is { } abort)
        {
            ValidatePercentage(abort.Percentage, "abort", diagnostics);

            // Envoy's HTTPFault abort.http_status: [200, 600).
            if (abort.HttpStatus is < 200 or > 599)
            {
                diagnostics.Error("abort.httpStatus", $"httpStatus must be an HTTP status from 200 to 599, got {abort.HttpStatus}");
            }
        }

        if (options.Delay is { } delay)
        {
            ValidatePercentage(delay.Percentage, "delay", diagnostics);
            if (delay.FixedDelay <= TimeSpan.Zero)
            {
                diagnostics.Error("delay.fixedDelay", "fixedDelay must be greater than zero");
            }
        }
    }

    protected override HttpFilter Compile(FaultOptions options) => new FaultFilter(
        options.Abort is { Percentage: > 0 } abort ? (abort.Percentage, (int)abort.HttpStatus) : null,
        options.Delay is { Percentage: > 0 } delay ? (delay.Percentage, delay.FixedDelay) : null,
        random,
        time);

    private static void ValidatePercentage(double percentage, string path, IOptionsDiagnostics diagnostics)
    {
        if (double.IsNaN(percentage) || percentage < 0 || percentage > 100)
        {
            diagnostics.Error($"{path}.percentage", $"percentage must be between 0 and 100, got {percentage}");
        }
        else if (percentage == 0)
        {
            diagnostics.Warning($"{path}.percentage", $"percentage is 0 (Gloo's default when it is left out), so no request gets this {path}");
        }
    }
}
