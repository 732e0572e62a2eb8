namespace Sluice.Filters.Retry;

/// <summary>The <c>retryOn</c> conditions Sluice implements, with Envoy's names.</summary>
[Flags]
internal enum RetryConditions
{
    None = 0,

    /// <summary><c>5xx</c>: any 5xx response, and any failure without a response (connect failure, reset, per-try timeout).</summary>
    FiveXx = 1 << 0,

    /// <summary><c>gateway-error</c>: 502, 503 and 504 responses, and failures without a response, as <c>5xx</c>.</summary>
    GatewayError = 1 << 1,

    /// <summary><c>connect-failure</c>: the connection to the upstream could not be made.</summary>
    ConnectFailure = 1 << 2,

    /// <summary><c>reset</c>: no response at all: a connect failure, a reset or disconnect, a per-try timeout.</summary>
    Reset = 1 << 3,

    /// <summary><c>refused-stream</c>: the upstream refused an HTTP/2 stream (REFUSED_STREAM), so it did not process it.</summary>
    RefusedStream = 1 << 4,

    /// <summary><c>retriable-4xx</c>: 409 Conflict.</summary>
    Retriable4xx = 1 << 5,

    /// <summary><c>retriable-status-codes</c>: the statuses listed in <c>retriableStatusCodes</c>.</summary>
    RetriableStatusCodes = 1 << 6,
}

/// <summary>How an attempt failed when the upstream gave no response to act on.</summary>
internal enum AttemptFailure
{
    /// <summary>Not a transport failure: a response arrived, or the failure is not the upstream's (the client went away).</summary>
    None = 0,

    /// <summary>No connection: refused, unreachable, name resolution, TLS handshake, connect timeout. The upstream never saw the request.</summary>
    ConnectFailure,

    /// <summary>HTTP/2 REFUSED_STREAM: the upstream promises it did not process the request.</summary>
    RefusedStream,

    /// <summary>The connection or stream broke before a response arrived; the upstream may have seen the request.</summary>
    Reset,

    /// <summary>The attempt's <c>perTryTimeout</c> expired before its response was complete.</summary>
    PerTryTimeout,
}
