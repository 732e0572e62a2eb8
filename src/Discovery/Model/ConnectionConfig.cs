namespace Sluice.Discovery.Model;

/// <summary>Gloo's <c>connectionConfig</c>, mapped onto SocketsHttpHandler where it has an equivalent.</summary>
[GlooUnsupported(DiagnosticSeverity.Warning, "maxRequestsPerConnection", "perConnectionBufferLimitBytes", "http1ProtocolOptions")]
public sealed record ConnectionConfig
{
    /// <summary>Time allowed to open a connection; defaults to 5s.</summary>
    public TimeSpan? ConnectTimeout { get; init; }

    public TcpKeepAlive? TcpKeepalive { get; init; }

    public HttpProtocolOptions? CommonHttpProtocolOptions { get; init; }
}

/// <summary>OS-level TCP keepalive on upstream connections (SO_KEEPALIVE).</summary>
public sealed record TcpKeepAlive
{
    public uint? KeepaliveProbes { get; init; }

    public TimeSpan? KeepaliveTime { get; init; }

    public TimeSpan? KeepaliveInterval { get; init; }
}

[GlooUnsupported(DiagnosticSeverity.Warning, "maxHeadersCount", "maxStreamDuration", "headersWithUnderscoresAction")]
public sealed record HttpProtocolOptions
{
    /// <summary>Close a pooled connection idle this long; 0 disables. Sluice's default is 60s (Envoy's is 1h).</summary>
    public TimeSpan? IdleTimeout { get; init; }
}
