namespace Sluice.Filters.Listener;

/// <summary>
/// Gloo's <c>httpGateway.options.httpConnectionManagerSettings</c>: how a listener treats connections and requests
/// before any route is chosen. Unset fields take Sluice's edge defaults (see docs/security.md), which are stricter
/// than Envoy's mesh-oriented ones: the gateway faces the internet.
/// </summary>
[GlooFieldsNotImplemented(false, "via", "generateRequestId", "proxy100Continue", "streamIdleTimeout", "requestTimeout",
    "drainTimeout", "delayedCloseTimeout", "serverName", "acceptHttp10", "defaultHostForHttp10", "enableTrailers",
    "allowChunkedLength", "properCaseHeaderKeyFormat", "preserveCaseHeaderKeyFormat", "codecType", "tracing", "upgrades",
    "uuidRequestIdConfig", "preserveExternalRequestId", "serverHeaderTransformation", "internalAddressConfig",
    "appendXForwardedPort", "maxStreamDuration", "maxConnectionDuration", "maxRequestsPerConnection", "strictHeaderValidation",
    "earlyHeaderManipulation", "headersToAdd")]
public sealed record HttpConnectionManagerSettings
{
    // --- Who the client is (X-Forwarded-For) ---

    /// <summary>
    /// Envoy's <c>use_remote_address</c>: the client address is the connection's peer (true, the edge default), or is
    /// read from X-Forwarded-For as sent (false: only behind a proxy that always overwrites it).
    /// </summary>
    public bool? UseRemoteAddress { get; init; }

    /// <summary>How many proxies in front of Sluice append to X-Forwarded-For; their entries (rightmost) are trusted.</summary>
    public uint? XffNumTrustedHops { get; init; }

    /// <summary>Sluice extension: peers (CIDRs) whose X-Forwarded-For is believed, e.g. your load balancer's subnet.</summary>
    public IReadOnlyList<string> TrustedProxies { get; init; } = [];

    /// <summary>Do not add the peer to X-Forwarded-For on the forwarded request.</summary>
    public bool SkipXffAppend { get; init; }

    // --- Request shape (normalization) ---

    /// <summary>What to do with header names that contain '_' (upstreams may confuse them with '-'). Default: reject.</summary>
    public HeadersWithUnderscoresAction? HeadersWithUnderscoresAction { get; init; }

    /// <summary>What to do with %2F, %5C in the path. Default: reject with 400.</summary>
    public PathWithEscapedSlashesAction? PathWithEscapedSlashesAction { get; init; }

    /// <summary>Always on in Sluice: one normalized path is used for routing, policy and forwarding.</summary>
    public bool? MergeSlashes { get; init; }

    /// <summary>Always on in Sluice (dot segments resolved).</summary>
    public bool? NormalizePath { get; init; }

    // --- Limits and timeouts (applied to the listener's server) ---

    /// <summary>Total size of the request headers (and request line) in KiB. Default 60, as Envoy.</summary>
    public uint? MaxRequestHeadersKb { get; init; }

    /// <summary>Maximum number of request headers. Default 100, as Envoy.</summary>
    public uint? MaxHeadersCount { get; init; }

    /// <summary>Time allowed for the whole request head to arrive. Default 10s (slow-header defence).</summary>
    public TimeSpan? RequestHeadersTimeout { get; init; }

    /// <summary>Idle connection lifetime (no request in flight). Default 1h, as Envoy.</summary>
    public TimeSpan? IdleTimeout { get; init; }

    public Http2ProtocolOptions? Http2ProtocolOptions { get; init; }

    /// <summary>Sluice extension: concurrent connections this listener accepts; beyond it new ones are refused.</summary>
    public uint? MaxConnections { get; init; }

    // --- Client certificates (downstream mTLS) ---

    /// <summary>Envoy's <c>forward_client_cert_details</c>: what happens to x-forwarded-client-cert. Default: sanitize.</summary>
    public ForwardClientCertDetails? ForwardClientCertDetails { get; init; }

    /// <summary>Which parts of the verified client certificate go into x-forwarded-client-cert when it is set.</summary>
    public SetCurrentClientCertDetails? SetCurrentClientCertDetails { get; init; }
}

[GlooFieldsNotImplemented(false, "overrideStreamErrorOnInvalidHttpMessage")]
public sealed record Http2ProtocolOptions
{
    /// <summary>Concurrent streams per HTTP/2 connection. Default 100 (Envoy's edge recommendation).</summary>
    public uint? MaxConcurrentStreams { get; init; }

    /// <summary>Per-stream flow-control window in bytes. Default 64 KiB (Envoy's edge recommendation).</summary>
    public uint? InitialStreamWindowSize { get; init; }

    /// <summary>Per-connection flow-control window in bytes. Default 1 MiB (Envoy's edge recommendation).</summary>
    public uint? InitialConnectionWindowSize { get; init; }
}

public sealed record SetCurrentClientCertDetails
{
    public bool Subject { get; init; }

    public bool Cert { get; init; }

    public bool Chain { get; init; }

    public bool Dns { get; init; }

    public bool Uri { get; init; }
}


/// <summary>Envoy's <c>HeadersWithUnderscoresAction</c>.</summary>
public enum HeadersWithUnderscoresAction
{
    ALLOW = 0,
    REJECT_REQUEST = 1,
    DROP_HEADER = 2,
}

/// <summary>Envoy's <c>PathWithEscapedSlashesAction</c>.</summary>
public enum PathWithEscapedSlashesAction
{
    IMPLEMENTATION_SPECIFIC_DEFAULT = 0,
    KEEP_UNCHANGED = 1,
    REJECT_REQUEST = 2,
    UNESCAPE_AND_REDIRECT = 3,
    UNESCAPE_AND_FORWARD = 4,
}

/// <summary>Envoy's <c>ForwardClientCertDetails</c>.</summary>
public enum ForwardClientCertDetails
{
    SANITIZE = 0,
    FORWARD_ONLY = 1,
    APPEND_FORWARD = 2,
    SANITIZE_SET = 3,
    ALWAYS_FORWARD_ONLY = 4,
}
