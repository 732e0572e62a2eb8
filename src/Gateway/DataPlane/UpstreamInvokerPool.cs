using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using Sluice.Gateway.Upstreams;

namespace Sluice.Gateway.DataPlane;

/// <summary>
/// How the gateway connects to an upstream endpoint; equal settings share one connection pool. The limits and
/// timeouts come from the upstream's <c>circuitBreakers.maxConnections</c> and <c>connectionConfig</c>.
/// </summary>
internal sealed record UpstreamConnectionSettings(bool Tls, string? Sni, bool InsecureSkipVerify)
{
    public static readonly TimeSpan DefaultConnectTimeout = TimeSpan.FromSeconds(5);
    public static readonly TimeSpan DefaultIdleTimeout = TimeSpan.FromSeconds(60);

    /// <summary>Connections to each endpoint (SocketsHttpHandler.MaxConnectionsPerServer); Envoy's default limit is 1024.</summary>
    public int MaxConnectionsPerServer { get; init; } = 1024;

    public TimeSpan ConnectTimeout { get; init; } = DefaultConnectTimeout;

    /// <summary>How long a pooled connection may stay idle; <see cref="Timeout.InfiniteTimeSpan"/> keeps it.</summary>
    public TimeSpan IdleTimeout { get; init; } = DefaultIdleTimeout;

    public TcpKeepAliveSettings? TcpKeepAlive { get; init; }

    /// <summary>Client certificate, trust, versions and ciphers from the upstream's <c>sslConfig</c>; null for the defaults.</summary>
    public UpstreamTlsPolicy? TlsPolicy { get; init; }

    /// <summary>
    /// TLS is done by the gateway when it connects (HTTP/1.1 upstreams), so the configured SNI is what is sent; the
    /// endpoint's prefix is then <c>http://</c>. HTTP/2 upstreams use the handler's own TLS, whose SNI is the Host.
    /// </summary>
    public bool TlsOnConnect { get; init; }

    /// <summary>
    /// The upstream that owns this pool when it sets its own connection limit, so two upstreams that reach the same
    /// address do not share (and so halve) each other's limit. Null when the pool may be shared.
    /// </summary>
    public string? Owner { get; init; }
}

/// <summary>SO_KEEPALIVE with the probe settings of <c>connectionConfig.tcpKeepalive</c>; unset parts keep the OS defaults.</summary>
internal sealed record TcpKeepAliveSettings(int? Probes, TimeSpan? Time, TimeSpan? Interval);

/// <summary>
/// Long-lived connection pools, one per distinct connection settings, shared across snapshots so a reload never
/// drops warm upstream connections. SocketsHttpHandler already pools per host and port, so endpoints that differ
/// only in address share a handler.
/// </summary>
internal sealed class UpstreamInvokerPool : IDisposable
{
    private readonly ConcurrentDictionary<UpstreamConnectionSettings, HttpMessageInvoker> _invokers = new();

    public HttpMessageInvoker Get(UpstreamConnectionSettings settings) => _invokers.GetOrAdd(settings, Create);

    /// <summary>
    /// Drops pools no configured endpoint uses any more. They are not disposed: a request of the previous snapshot may
    /// still be using one; once none does, the handler and its idle connections are collected.
    /// </summary>
    public void Retain(IReadOnlySet<UpstreamConnectionSettings> inUse)
    {
        foreach (var settings in _invokers.Keys)
        {
            if (!inUse.Contains(settings))
            {
                _invokers.TryRemove(settings, out _);
            }
        }
    }

    public void Dispose()
    {
        foreach (var invoker in _invokers.Values)
        {
            invoker.Dispose();
        }
    }

    /// <summary>The handler for <paramref name="settings"/>; also used by active health checks, on their own connections.</summary>
    public static SocketsHttpHandler CreateHandler(UpstreamConnectionSettings settings)
    {
        var handler = new SocketsHttpHandler
        {
            UseProxy = false,
            AllowAutoRedirect = false,
            AutomaticDecompression = DecompressionMethods.None,
            UseCookies = false,
            EnableMultipleHttp2Connections = true,
            ConnectTimeout = settings.ConnectTimeout,
            PooledConnectionIdleTimeout = settings.IdleTimeout,
            MaxConnectionsPerServer = settings.MaxConnectionsPerServer,

            // The gateway forwards the client's trace headers itself; the handler must not add its own.
            ActivityHeadersPropagator = DistributedContextPropagator.CreateNoOutputPropagator(),
        };

        SslClientAuthenticationOptions? tlsOnConnect = null;
        if (settings.Tls)
        {
            var tls = new SslClientAuthenticationOptions
            {
                TargetHost = settings.Sni,
                RemoteCertificateValidationCallback = settings.InsecureSkipVerify ? static (_, _, _, _) => true : null,
            };
            settings.TlsPolicy?.Apply(tls);
            if (settings.TlsOnConnect)
            {
                // SocketsHttpHandler always sends the request's Host header as SNI (its pool key), so the configured
                // sni could never reach the wire; doing the handshake here, under an http:// prefix, sends exactly it.
                tls.ApplicationProtocols = [SslApplicationProtocol.Http11];
                tlsOnConnect = tls;
            }
            else
            {
                handler.SslOptions = tls;
            }
        }

        if (settings.TcpKeepAlive is not null || tlsOnConnect is not null)
        {
            var keepAlive = settings.TcpKeepAlive;
            handler.ConnectCallback = (context, cancellationToken) => ConnectAsync(context.DnsEndPoint, keepAlive, tlsOnConnect, cancellationToken);
        }

        return handler;
    }

    private static HttpMessageInvoker Create(UpstreamConnectionSettings settings) =>
        new(settings.Tls ? new UpstreamTlsFailureHandler(CreateHandler(settings)) : CreateHandler(settings), disposeHandler: true);

    private static async ValueTask<Stream> ConnectAsync(DnsEndPoint endpoint, TcpKeepAliveSettings? keepAlive, SslClientAuthenticationOptions? tls, CancellationToken cancellationToken)
    {
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            if (keepAlive is not null)
            {
                SetKeepAlive(socket, keepAlive);
            }

            await socket.ConnectAsync(endpoint, cancellationToken).ConfigureAwait(false);
            var stream = new NetworkStream(socket, ownsSocket: true);
            if (tls is null)
            {
                return stream;
            }

            var ssl = new SslStream(stream, leaveInnerStreamOpen: false);
            try
            {
                await ssl.AuthenticateAsClientAsync(tls, cancellationToken).ConfigureAwait(false);
                return ssl;
            }
            catch
            {
                await ssl.DisposeAsync().ConfigureAwait(false);
                throw;
            }
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    private static void SetKeepAlive(Socket socket, TcpKeepAliveSettings keepAlive)
    {
        socket.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.KeepAlive, true);
        if (keepAlive.Time is { } time)
        {
            socket.SetSocketOption(SocketOptionLevel.Tcp, SocketOptionName.TcpKeepAliveTime, (int)Math.Ceiling(time.TotalSeconds));
        }

        if (keepAlive.Interval is { } interval)
        {
            socket.SetSocketOption(SocketOptionLevel.Tcp, SocketOptionName.TcpKeepAliveInterval, (int)Math.Ceiling(interval.TotalSeconds));
        }

        if (keepAlive.Probes is { } probes)
        {
            socket.SetSocketOption(SocketOptionLevel.Tcp, SocketOptionName.TcpKeepAliveRetryCount, probes);
        }
    }
}
