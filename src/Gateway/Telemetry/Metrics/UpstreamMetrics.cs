using System.Diagnostics;
using Sluice.Filters;
using Sluice.Filters.Retry;

namespace Sluice.Gateway.Telemetry.Metrics;

/// <summary>
/// What the forwarding paths report about upstream exchanges: counters tagged by upstream name (a configuration
/// name, so cardinality is bounded), and the response flags and upstream timing the access log prints.
/// </summary>
internal static class UpstreamMetrics
{
    public static void AttemptSent(ProxyExchange exchange, string upstream, string address)
    {
        GatewayInstruments.UpstreamAttempts.Add(1, new KeyValuePair<string, object?>("upstream", upstream));
        exchange.UpstreamAddress = address;
        exchange.UpstreamSentAt = Stopwatch.GetTimestamp();
        exchange.UpstreamServiceTicks = 0;
        exchange.UpstreamAttempts++;
    }

    /// <summary>The upstream's response headers arrived: Envoy's upstream service time ends here.</summary>
    public static void ResponseReceived(ProxyExchange exchange)
    {
        if (exchange.UpstreamSentAt != 0)
        {
            exchange.UpstreamServiceTicks = Stopwatch.GetTimestamp() - exchange.UpstreamSentAt;
        }
    }

    /// <summary>An attempt that got no response; <paramref name="failure"/> says how it ended.</summary>
    public static void AttemptFailed(ProxyExchange exchange, string upstream, AttemptFailure failure, bool timedOut)
    {
        string reason;
        if (timedOut || failure == AttemptFailure.PerTryTimeout)
        {
            reason = "timeout";
        }
        else if (failure == AttemptFailure.ConnectFailure)
        {
            reason = "connect_failure";
            exchange.ResponseFlags |= ResponseFlags.UpstreamConnectionFailure;
        }
        else if (failure is AttemptFailure.Reset or AttemptFailure.RefusedStream)
        {
            reason = "reset";
            exchange.ResponseFlags |= ResponseFlags.UpstreamConnectionTermination;
        }
        else
        {
            return;
        }

        GatewayInstruments.UpstreamFailures.Add(1, new KeyValuePair<string, object?>("upstream", upstream), new KeyValuePair<string, object?>("reason", reason));
    }

    /// <summary>A retry starts: the failed attempt's flags no longer describe the request (Envoy flags only the final outcome).</summary>
    public static void Retried(ProxyExchange exchange, string upstream)
    {
        exchange.ResponseFlags &= ~(ResponseFlags.UpstreamConnectionFailure | ResponseFlags.UpstreamConnectionTermination);
        GatewayInstruments.UpstreamRetries.Add(1, new KeyValuePair<string, object?>("upstream", upstream));
    }

    public static void TimedOut(ProxyExchange exchange, string upstream)
    {
        exchange.ResponseFlags |= ResponseFlags.UpstreamRequestTimeout;
        GatewayInstruments.UpstreamTimeouts.Add(1, new KeyValuePair<string, object?>("upstream", upstream));
    }

    public static void Overflowed(ProxyExchange exchange, string upstream, string breaker)
    {
        exchange.ResponseFlags |= ResponseFlags.UpstreamOverflow;
        GatewayInstruments.UpstreamOverflows.Add(1, new KeyValuePair<string, object?>("upstream", upstream), new KeyValuePair<string, object?>("breaker", breaker));
    }

    public static void NoHealthyEndpoint(ProxyExchange exchange, string upstream)
    {
        exchange.ResponseFlags |= ResponseFlags.NoHealthyUpstream;
        GatewayInstruments.UpstreamNoHealthy.Add(1, new KeyValuePair<string, object?>("upstream", upstream));
    }

    public static void Ejected(string upstream) =>
        GatewayInstruments.UpstreamEjections.Add(1, new KeyValuePair<string, object?>("upstream", upstream));
}
