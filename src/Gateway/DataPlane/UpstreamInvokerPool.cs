using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Security;

namespace Sluice.Gateway.DataPlane;

/// <summary>How the gateway connects to an upstream endpoint; equal settings share one connection pool.</summary>
internal sealed record UpstreamConnectionSettings(bool Tls, string? Sni, bool InsecureSkipVerify);

/// <summary>
/// Long-lived connection pools, one per distinct connection settings, shared across snapshots so a reload never
/// drops warm upstream connections. SocketsHttpHandler already pools per host and port, so endpoints that differ
/// only in address share a handler.
/// </summary>
internal sealed class UpstreamInvokerPool : IDisposable
{
    private readonly ConcurrentDictionary<UpstreamConnectionSettings, HttpMessageInvoker> _invokers = new();

    public HttpMessageInvoker Get(UpstreamConnectionSettings settings) => _invokers.GetOrAdd(settings, Create);

    public void Dispose()
    {
        foreach (var invoker in _invokers.Values)
        {
            invoker.Dispose();
        }
    }

    private static HttpMessageInvoker Create(UpstreamConnectionSettings settings)
    {
        var handler = new SocketsHttpHandler
        {
            UseProxy = false,
            AllowAutoRedirect = false,
            AutomaticDecompression = DecompressionMethods.None,
            UseCookies = false,
            EnableMultipleHttp2Connections = true,
            ConnectTimeout = TimeSpan.FromSeconds(5),
            PooledConnectionIdleTimeout = TimeSpan.FromSeconds(60),

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

        return new HttpMessageInvoker(handler, disposeHandler: true);
    }
}
