using System.Net;
using System.Net.Sockets;
using Sluice.Gateway.DataPlane;

namespace Sluice.Gateway.Upstreams.HealthChecking;

/// <summary>
/// Sends one check to one endpoint: an HTTP GET of the configured path (on connections of its own, never the
/// traffic pool, so a saturated pool cannot fail its checks), or a TCP connect.
/// </summary>
internal sealed class HealthCheckProbe(HealthCheckPolicy policy, TimeProvider time) : IDisposable
{
    private readonly Dictionary<UpstreamConnectionSettings, HttpMessageInvoker> _invokers = [];
    private readonly Lock _lock = new();

    public async Task<(HealthCheckResult Result, string Detail)> CheckAsync(UpstreamEndpoint endpoint, CancellationToken stopping)
    {
        using var timeout = new CancellationTokenSource(policy.Timeout, time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(stopping, timeout.Token);
        try
        {
            return policy.HttpPath is null
                ? await ConnectAsync(endpoint, linked.Token).ConfigureAwait(false)
                : await GetAsync(endpoint, linked.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested && !stopping.IsCancellationRequested)
        {
            return (HealthCheckResult.Timeout, $"no answer within {policy.Timeout.TotalMilliseconds}ms");
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            return (HealthCheckResult.NetworkError, ex.Message);
        }
    }

    public void Dispose()
    {
        lock (_lock)
        {
            foreach (var invoker in _invokers.Values)
            {
                invoker.Dispose();
            }

            _invokers.Clear();
        }
    }

    private async Task<(HealthCheckResult, string)> GetAsync(UpstreamEndpoint endpoint, CancellationToken cancellationToken)
    {
        var invoker = InvokerFor(endpoint.Connection ?? new UpstreamConnectionSettings(false, null, false));
        using var request = new HttpRequestMessage(HttpMethod.Get, endpoint.Prefix.TrimEnd('/') + policy.HttpPath)
        {
            Version = policy.Http2 ? HttpVersion.Version20 : HttpVersion.Version11,
            VersionPolicy = HttpVersionPolicy.RequestVersionExact,
        };
        request.Headers.Host = policy.HttpHost ?? endpoint.Address;

        // Envoy's health checker identifies itself so backends can tell checks from traffic.
        request.Headers.TryAddWithoutValidation("User-Agent", "Envoy/HC");
        if (!policy.ReuseConnection)
        {
            request.Headers.ConnectionClose = true;
        }

        using var response = await invoker.SendAsync(request, cancellationToken).ConfigureAwait(false);
        var status = (int)response.StatusCode;
        return policy.IsExpected(status)
            ? (HealthCheckResult.Healthy, string.Empty)
            : (HealthCheckResult.UnexpectedStatus, $"status {status}");
    }

    private static async Task<(HealthCheckResult, string)> ConnectAsync(UpstreamEndpoint endpoint, CancellationToken cancellationToken)
    {
        var uri = new Uri(endpoint.Prefix);
        using var socket = new Socket(SocketType.Stream, ProtocolType.Tcp);
        await socket.ConnectAsync(new DnsEndPoint(uri.IdnHost, uri.Port), cancellationToken).ConfigureAwait(false);
        return (HealthCheckResult.Healthy, string.Empty);
    }

    private HttpMessageInvoker InvokerFor(UpstreamConnectionSettings settings)
    {
        lock (_lock)
        {
            if (!_invokers.TryGetValue(settings, out var invoker))
            {
                var handler = UpstreamInvokerPool.CreateHandler(settings with { MaxConnectionsPerServer = int.MaxValue, TcpKeepAlive = null });
                invoker = new HttpMessageInvoker(handler, disposeHandler: true);
                _invokers[settings] = invoker;
            }

            return invoker;
        }
    }
}
