namespace Sluice.Filters;

/// <summary>
/// Envoy's response flags: why a request ended the way it did, for access logs (<c>%RESPONSE_FLAGS%</c>). The gateway
/// sets the upstream ones; a filter that answers the request itself (a rate limit, an external authorization) sets its
/// own. Printed with Envoy's short names, comma separated, in the order declared here.
/// </summary>
[Flags]
public enum ResponseFlags
{
    None = 0,

    /// <summary><c>NR</c>: no route matched (or the listener serves no virtual host).</summary>
    NoRoute = 1 << 0,

    /// <summary><c>UH</c>: the upstream had no healthy endpoint.</summary>
    NoHealthyUpstream = 1 << 1,

    /// <summary><c>UF</c>: the connection to the upstream failed.</summary>
    UpstreamConnectionFailure = 1 << 2,

    /// <summary><c>UC</c>: the upstream reset or closed the connection before a whole response.</summary>
    UpstreamConnectionTermination = 1 << 3,

    /// <summary><c>UO</c>: a circuit breaker refused the request.</summary>
    UpstreamOverflow = 1 << 4,

    /// <summary><c>URX</c>: retries ran out and the last attempt still failed.</summary>
    UpstreamRetryLimitExceeded = 1 << 5,

    /// <summary><c>UT</c>: the route timeout or the last per-try timeout expired.</summary>
    UpstreamRequestTimeout = 1 << 6,

    /// <summary><c>DC</c>: the client went away before the response was complete.</summary>
    DownstreamConnectionTermination = 1 << 7,

    /// <summary><c>LR</c>: the gateway reset the response after it had started (an upstream failure mid-body).</summary>
    LocalReset = 1 << 8,

    /// <summary><c>FI</c>: a fault was injected.</summary>
    FaultInjected = 1 << 9,

    /// <summary><c>RL</c>: a rate limit refused the request.</summary>
    RateLimited = 1 << 10,

    /// <summary><c>UAEX</c>: external authorization refused the request.</summary>
    UnauthorizedExternalService = 1 << 11,
}
