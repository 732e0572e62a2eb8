using Microsoft.AspNetCore.Http;

namespace Sluice.Filters.Retry;

/// <summary>
/// A route's compiled retry policy: immutable, shared by every request on the route in one snapshot. The forwarding
/// loop asks it whether an attempt's outcome is retriable, whether the request's method allows it, and how long to
/// wait; the loop itself owns the per-request state.
/// </summary>
internal sealed class RetryPolicy
{
    /// <summary>Sluice's default for <c>maxReplayBytes</c>.</summary>
    public const uint DefaultMaxReplayBytes = 64 * 1024;

    private readonly bool[] _retriableStatus = new bool[600];
    private readonly long _baseMilliseconds;
    private readonly long _maxMilliseconds;
    private readonly Random _random;

    public RetryPolicy(string retryOn, RetryConditions conditions, int numRetries, TimeSpan? perTryTimeout, TimeSpan baseInterval, TimeSpan maxInterval,
        IReadOnlyList<uint> retriableStatusCodes, long maxReplayBytes, bool retryNonIdempotent, Random random)
    {
        RetryOn = retryOn;
        Conditions = conditions;
        NumRetries = numRetries;
        PerTryTimeout = perTryTimeout;
        BaseInterval = baseInterval;
        MaxInterval = maxInterval;
        MaxReplayBytes = maxReplayBytes;
        RetryNonIdempotent = retryNonIdempotent;
        _random = random;
        _baseMilliseconds = (long)baseInterval.TotalMilliseconds;
        _maxMilliseconds = (long)maxInterval.TotalMilliseconds;

        for (var status = 500; status < 600 && (conditions & RetryConditions.FiveXx) != 0; status++)
        {
            _retriableStatus[status] = true;
        }

        if ((conditions & RetryConditions.GatewayError) != 0)
        {
            _retriableStatus[502] = _retriableStatus[503] = _retriableStatus[504] = true;
        }

        if ((conditions & RetryConditions.Retriable4xx) != 0)
        {
            _retriableStatus[409] = true;
        }

        if ((conditions & RetryConditions.RetriableStatusCodes) != 0)
        {
            foreach (var code in retriableStatusCodes)
            {
                if (code < 600)
                {
                    _retriableStatus[code] = true;
                }
            }
        }
    }

    /// <summary>The <c>retryOn</c> text as configured, for inspect.</summary>
    public string RetryOn { get; }

    public RetryConditions Conditions { get; }

    public int NumRetries { get; }

    public TimeSpan? PerTryTimeout { get; }

    public TimeSpan BaseInterval { get; }

    public TimeSpan MaxInterval { get; }

    public long MaxReplayBytes { get; }

    public bool RetryNonIdempotent { get; }

    /// <summary>Whether a response with this status is retried (before the method and body checks).</summary>
    public bool RetriesStatus(int status) => (uint)status < (uint)_retriableStatus.Length && _retriableStatus[status];

    /// <summary>Whether a failure without a response is retried, as Envoy's RetryStateImpl::wouldRetryFromReset.</summary>
    public bool RetriesFailure(AttemptFailure failure) => failure switch
    {
        // Envoy counts every reset as a "5xx": 5xx, gateway-error and reset retry all of them.
        AttemptFailure.ConnectFailure => (Conditions & (RetryConditions.ConnectFailure | RetryConditions.FiveXx | RetryConditions.GatewayError | RetryConditions.Reset)) != 0,
        AttemptFailure.RefusedStream => (Conditions & (RetryConditions.RefusedStream | RetryConditions.FiveXx | RetryConditions.GatewayError | RetryConditions.Reset)) != 0,
        AttemptFailure.Reset or AttemptFailure.PerTryTimeout => (Conditions & (RetryConditions.FiveXx | RetryConditions.GatewayError | RetryConditions.Reset)) != 0,
        _ => false,
    };

    /// <summary>
    /// Whether the request's method lets it be sent again after an outcome. Idempotent methods (RFC 9110 section 9.2.2)
    /// always may; others only with <c>retryNonIdempotent</c>, or when the upstream provably never processed them.
    /// </summary>
    public bool AllowsMethod(string method, AttemptFailure failure) =>
        RetryNonIdempotent || IsIdempotent(method) || failure is AttemptFailure.ConnectFailure or AttemptFailure.RefusedStream;

    /// <summary>The wait before retry <paramref name="retry"/> (1 for the first), fully jittered.</summary>
    public TimeSpan Backoff(int retry) => RetryBackoff.Delay(retry, _baseMilliseconds, _maxMilliseconds, _random);

    public string Describe() =>
        $"retries retryOn '{RetryOn}' numRetries {NumRetries}" +
        (PerTryTimeout is { } perTry ? $" perTryTimeout {perTry.TotalMilliseconds}ms" : string.Empty) +
        $" backOff {_baseMilliseconds}ms..{_maxMilliseconds}ms maxReplayBytes {MaxReplayBytes}" +
        (RetryNonIdempotent ? " retryNonIdempotent" : string.Empty);

    public static bool IsIdempotent(string method) =>
        HttpMethods.IsGet(method) || HttpMethods.IsHead(method) || HttpMethods.IsOptions(method) ||
        HttpMethods.IsTrace(method) || HttpMethods.IsPut(method) || HttpMethods.IsDelete(method);
}
