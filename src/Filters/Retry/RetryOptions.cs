namespace Sluice.Filters.Retry;

/// <summary>
/// Gloo's <c>retries</c> (<c>retries.options.gloo.solo.io.RetryPolicy</c>) on a virtual host, route or weighted
/// destination, plus Envoy's <c>retriable_status_codes</c> and two Sluice extensions that decide which request bodies
/// may be sent twice.
/// </summary>
public sealed record RetryOptions
{
    /// <summary>Envoy's <c>x-envoy-retry-on</c> conditions, comma separated: <c>5xx,connect-failure</c>.</summary>
    public string RetryOn { get; init; } = string.Empty;

    /// <summary>Retries after the first attempt; Gloo and Envoy default to 1.</summary>
    public uint? NumRetries { get; init; }

    /// <summary>The time one attempt may take, until its response is complete; the route's <c>timeout</c> still caps the whole request.</summary>
    public TimeSpan? PerTryTimeout { get; init; }

    public RetryBackOffOptions? RetryBackOff { get; init; }

    /// <summary>Envoy's <c>retriable_status_codes</c>, used by the <c>retriable-status-codes</c> condition.</summary>
    public IReadOnlyList<uint> RetriableStatusCodes { get; init; } = [];

    /// <summary>Sluice: the largest request body kept in memory so that it can be sent again. Default 64 KiB.</summary>
    public uint? MaxReplayBytes { get; init; }

    /// <summary>
    /// Sluice: also retry POST, PATCH and other non-idempotent requests after the upstream may have seen them.
    /// Off by default; a request that never reached an upstream (connect failure, refused stream) is always retriable.
    /// </summary>
    public bool RetryNonIdempotent { get; init; }

    /// <summary>Gloo's <c>previousPriorities</c>; accepted and ignored (Sluice's upstreams have no priority levels).</summary>
    public PreviousPrioritiesOptions? PreviousPriorities { get; init; }
}

/// <summary>Gloo's <c>RetryBackOff</c>: Envoy's fully jittered exponential back-off between attempts.</summary>
public sealed record RetryBackOffOptions
{
    /// <summary>The first retry waits up to this long; required by Gloo, at least 1ms. Default (without <c>retryBackOff</c>) 25ms.</summary>
    [RequiredField]
    public TimeSpan BaseInterval { get; init; }

    /// <summary>The cap on any wait; default ten times <see cref="BaseInterval"/>, as in Envoy.</summary>
    public TimeSpan? MaxInterval { get; init; }
}

/// <summary>Gloo's <c>PreviousPriorities</c> retry priority predicate.</summary>
public sealed record PreviousPrioritiesOptions
{
    public uint? UpdateFrequency { get; init; }
}
