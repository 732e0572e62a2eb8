namespace Sluice.Filters.RateLimit;

/// <summary>
/// Gloo's <c>httpLocalRatelimit</c> (<c>local_ratelimit.options.gloo.solo.io.Settings</c>): Envoy's local token bucket,
/// per route or virtual host, kept in this process only. Sluice adds <see cref="KeyBy"/> for one bucket per client,
/// header value or JWT claim.
/// </summary>
public sealed record LocalRateLimitOptions
{
    [RequiredField]
    public TokenBucketOptions DefaultLimit { get; init; } = new();

    /// <summary>Adds <c>x-ratelimit-limit</c>, <c>x-ratelimit-remaining</c> and <c>x-ratelimit-reset</c> to responses.</summary>
    public bool EnableXRatelimitHeaders { get; init; }

    /// <summary>Envoy's per-connection buckets; Sluice keeps buckets per scope (or per key), so only false is accepted.</summary>
    public bool LocalRateLimitPerDownstreamConnection { get; init; }

    /// <summary>Sluice extension: one bucket per value of this key instead of one for the whole route or virtual host.</summary>
    public RateLimitKey? KeyBy { get; init; }

    /// <summary>Sluice extension: at most this many keyed buckets (memory bound); keys beyond share buckets by hash.</summary>
    public uint? MaxKeys { get; init; }
}

/// <summary>Envoy's <c>TokenBucket</c>: up to <see cref="MaxTokens"/>, <see cref="TokensPerFill"/> added every <see cref="FillInterval"/>.</summary>
public sealed record TokenBucketOptions
{
    [RequiredField]
    public uint MaxTokens { get; init; }

    /// <summary>Tokens added per fill; 1 when omitted, as in Envoy.</summary>
    public uint? TokensPerFill { get; init; }

    [RequiredField]
    public TimeSpan FillInterval { get; init; }
}

/// <summary>What identifies a client for a keyed limit; exactly one is set.</summary>
public sealed record RateLimitKey
{
    /// <summary>The peer address of the connection (as the gateway resolved it; see the XFF trust settings).</summary>
    public bool ClientAddress { get; init; }

    /// <summary>The value of this request header.</summary>
    public string? Header { get; init; }

    /// <summary>This claim of the request's verified JWT (set by <c>jwtStaged</c> or <c>jwt</c>, which run earlier).</summary>
    public string? JwtClaim { get; init; }
}
