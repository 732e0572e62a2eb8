using System.Globalization;
using Microsoft.AspNetCore.Http;

namespace Sluice.Filters.Fault;

/// <summary>Injects the configured delay and abort. Shared by every request on the route; the dice are per request.</summary>
internal sealed class FaultFilter(
    (double Percentage, int Status)? abort,
    (double Percentage, TimeSpan Delay)? delay,
    Random random,
    TimeProvider time) : HttpFilter
{
    /// <summary>Envoy's fault filter body for an injected abort.</summary>
    private static readonly byte[] AbortBody = "fault filter abort"u8.ToArray();

    public override FilterStage Stage => FilterStage.Fault;

    public override string Describe() =>
        "faults" +
        (delay is { } d ? string.Create(CultureInfo.InvariantCulture, $" delay {d.Delay.TotalMilliseconds}ms at {d.Percentage}%") : string.Empty) +
        (abort is { } a ? string.Create(CultureInfo.InvariantCulture, $" abort {a.Status} at {a.Percentage}%") : string.Empty);

    public override ValueTask<FilterVerdict> OnRequestAsync(ProxyExchange exchange)
    {
        if (delay is { } d && Rolls(d.Percentage))
        {
            return DelayThenAbortAsync(exchange, d.Delay);
        }

        return abort is { } a && Rolls(a.Percentage) ? AbortAsync(exchange, a.Status) : new(FilterVerdict.Continue);
    }

    private async ValueTask<FilterVerdict> DelayThenAbortAsync(ProxyExchange exchange, TimeSpan wait)
    {
        var context = exchange.HttpContext;
        try
        {
            await Task.Delay(wait, time, context.RequestAborted).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested)
        {
            // The client left during the delay: there is nobody to forward for.
            return FilterVerdict.Handled;
        }

        return abort is { } a && Rolls(a.Percentage) ? await AbortAsync(exchange, a.Status).ConfigureAwait(false) : FilterVerdict.Continue;
    }

    // NextDouble is in [0, 1): 100 always rolls, 0 never does.
    private bool Rolls(double percentage) => random.NextDouble() * 100 < percentage;

    private static async ValueTask<FilterVerdict> AbortAsync(ProxyExchange exchange, int status)
    {
        exchange.ResponseFlags |= ResponseFlags.FaultInjected;
        var context = exchange.HttpContext;
        var response = context.Response;
        response.StatusCode = status;
        if (status is not (StatusCodes.Status204NoContent or StatusCodes.Status205ResetContent or StatusCodes.Status304NotModified))
        {
            response.ContentType = "text/plain";
            response.ContentLength = AbortBody.Length;
            await response.Body.WriteAsync(AbortBody, context.RequestAborted).ConfigureAwait(false);
        }

        return FilterVerdict.Handled;
    }
}
