namespace Sluice.Gateway.Upstreams.CircuitBreaking;

/// <summary>
/// Envoy's circuit breakers for one upstream in one snapshot: the limits, applied to the counters kept in the
/// long-lived <see cref="UpstreamState"/> so that requests admitted before a reload still count after it. Admission is
/// increment-then-check-then-undo with Interlocked, so the counts are exact under any concurrency and never lock.
/// </summary>
internal sealed class CircuitBreaker
{
    /// <summary>Envoy's default for max_connections, max_pending_requests and max_requests.</summary>
    public const int DefaultLimit = 1024;

    /// <summary>Envoy's default for max_retries.</summary>
    public const int DefaultMaxRetries = 3;

    public const string MaxRequestsOverflow = "max_requests";
    public const string MaxPendingOverflow = "max_pending";
    public const string MaxRetriesOverflow = "max_retries";

    public CircuitBreaker(int maxConnections, int maxPendingRequests, int maxRequests, int maxRetries, int endpointCount, bool multiplexed)
    {
        MaxConnections = maxConnections;
        MaxPendingRequests = maxPendingRequests;
        MaxRequests = maxRequests;
        MaxRetries = maxRetries;

        // HTTP/1.1 sends one request per connection at a time, so requests beyond the connections the endpoints may
        // open are queued in SocketsHttpHandler: that queue is Envoy's "pending". HTTP/2 multiplexes and has none.
        PendingThreshold = multiplexed ? int.MaxValue : (int)Math.Min(int.MaxValue, (long)maxConnections * Math.Max(1, endpointCount) + maxPendingRequests);
    }

    public static CircuitBreaker Default { get; } = new(DefaultLimit, DefaultLimit, DefaultLimit, DefaultMaxRetries, 1, multiplexed: false);

    public int MaxConnections { get; }

    public int MaxPendingRequests { get; }

    public int MaxRequests { get; }

    public int MaxRetries { get; }

    /// <summary>Requests in flight above which one more would wait beyond <see cref="MaxPendingRequests"/>.</summary>
    public int PendingThreshold { get; }

    public bool TryEnterRequest(UpstreamState state, out string? overflow)
    {
        var inFlight = state.EnterRequest();
        if (inFlight > MaxRequests)
        {
            state.ExitRequest();
            overflow = MaxRequestsOverflow;
            return false;
        }

        if (inFlight > PendingThreshold)
        {
            state.ExitRequest();
            overflow = MaxPendingOverflow;
            return false;
        }

        overflow = null;
        return true;
    }

    public bool TryEnterRetry(UpstreamState state, out string? overflow)
    {
        if (state.EnterRetry() > MaxRetries)
        {
            state.ExitRetry();
            overflow = MaxRetriesOverflow;
            return false;
        }

        overflow = null;
        return true;
    }

    public string Describe() =>
        $"maxConnections {MaxConnections}, maxPendingRequests {MaxPendingRequests}, maxRequests {MaxRequests}, maxRetries {MaxRetries}";
}
