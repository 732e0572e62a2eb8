using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Security;
using System.Net.Sockets;

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

        if (settings.Tls)
        {
            handler.SslOptions = new SslClientAuthenticationOptions
            {
                TargetHost = settings.Sni,
                RemoteCertificateValidationCallback = settings.InsecureSkipVerify ? static (_, _, _, _) => true : null,
            };
        }

        if (settings.TcpKeepAlive is { } keepAlive)
        {
            handler.ConnectCallback = (context, cancellationToken) => ConnectWithKeepAliveAsync(context.DnsEndPoint, keepAlive, cancellationToken);
        }

        return handler;
    }

    private static HttpMessageInvoker Create(UpstreamConnectionSettings settings) => new(CreateHandler(settings), disposeHandler: true);

    private static async ValueTask<Stream> ConnectWithKeepAliveAsync(DnsEndPoint endpoint, TcpKeepAliveSettings keepAlive, CancellationToken cancellationToken)
    {
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
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

            await socket.ConnectAsync(endpoint, cancellationToken).ConfigureAwait(false);
            return new NetworkStream(socket, ownsSocket: true);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }
}
