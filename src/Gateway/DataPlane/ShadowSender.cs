using Sluice.Filters;
using Sluice.Filters.Shadowing;
using Yarp.ReverseProxy.Forwarder;

namespace Sluice.Gateway.DataPlane;

/// <summary>
/// Sends mirrored copies of requests (<c>shadowing</c>), fire and forget as Envoy's request mirroring: a copy never
/// delays or changes the client's response, its response is discarded, and its failures are only logged at debug
/// level. At most <see cref="MaxInFlight"/> copies are under way at once; beyond that, copies are dropped, so that a
/// shadow upstream that hangs cannot make the gateway hold requests without bound.
/// </summary>
internal sealed partial class ShadowSender(TimeProvider time, ILogger<ShadowSender> logger)
{
    /// <summary>Mirrored requests in flight at most, across the gateway.</summary>
    public const int MaxInFlight = 64;

    /// <summary>A copy's time limit when its route sets no <c>timeout</c>.</summary>
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(15);

    /// <summary>The largest already-buffered body (a request transformation's) copied into a mirrored request.</summary>
    public const int MaxBufferedBodyBytes = 1024 * 1024;

    private int _inFlight;

    public int InFlight => Volatile.Read(ref _inFlight);

    /// <summary>The upstream the exchange's shadow policy names, or null (logged) when the snapshot has none by that name.</summary>
    public UpstreamCluster? Resolve(ProxyExchange exchange, ShadowPolicy policy, Configuration.CompiledConfig config)
    {
        var key = policy.ClusterKey(exchange.VirtualHostName);
        if (config.Clusters.TryGetValue(key, out var cluster))
        {
            return cluster;
        }

        LogUnknownUpstream(key, exchange.RouteName);
        return null;
    }

    /// <summary>
    /// Builds the copy from the request as the primary sends it (method, rewritten path and query, headers, Host with
    /// Envoy's <c>-shadow</c> suffix) and starts sending it in the background. Must run while the request is live:
    /// nothing of the <see cref="HttpContext"/> is read afterwards.
    /// </summary>
    public async ValueTask SendAsync(HttpContext context, ProxyExchange exchange, UpstreamCluster cluster, byte[] body)
    {
        if (Interlocked.Increment(ref _inFlight) > MaxInFlight)
        {
            Interlocked.Decrement(ref _inFlight);
            LogDropped(cluster.Name, MaxInFlight);
            return;
        }

        if (!cluster.TryEnterRequest(out var overflow))
        {
            Interlocked.Decrement(ref _inFlight);
            LogNotSent(cluster.Name, $"circuit breaker open ({overflow})");
            return;
        }

        // From here every picked endpoint gets exactly one outcome report, as the upstream's contract requires.
        var endpoint = cluster.PickEndpoint(exchange, previous: null);
        if (endpoint is null)
        {
            cluster.ExitRequest();
            Interlocked.Decrement(ref _inFlight);
            LogNotSent(cluster.Name, "no endpoint");
            return;
        }

        HttpRequestMessage message;
        try
        {
            message = await BuildAsync(context, cluster, endpoint, body).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            cluster.ReportOutcome(endpoint, 0, ForwarderError.RequestCreation);
            cluster.ExitRequest();
            Interlocked.Decrement(ref _inFlight);
            LogNotSent(cluster.Name, ex.Message);
            return;
        }

        var timeout = exchange.Timeout ?? DefaultTimeout;

        // Off the request's own continuation: the copy must not run on the client's time, not even its first step.
        ThreadPool.UnsafeQueueUserWorkItem(
            static state => _ = state.Sender.SendInBackgroundAsync(state.Message, state.Cluster, state.Endpoint, state.Timeout),
            new ShadowWork(this, message, cluster, endpoint, timeout),
            preferLocal: false);
    }

    /// <summary>Envoy's shadow host: <c>-shadow</c> appended to the host, before the port if there is one.</summary>
    internal static string ShadowHost(string host)
    {
        var colon = host.LastIndexOf(':');
        var bracket = host.LastIndexOf(']');
        var hasPort = colon > 0 && colon > bracket && (bracket >= 0 || host.IndexOf(':') == colon);
        return hasPort ? string.Concat(host.AsSpan(0, colon), "-shadow", host.AsSpan(colon)) : host + "-shadow";
    }

    private static async ValueTask<HttpRequestMessage> BuildAsync(HttpContext context, UpstreamCluster cluster, UpstreamEndpoint endpoint, byte[] body)
    {
        var config = cluster.RequestConfig;
        var message = new HttpRequestMessage
        {
            Method = HttpMethod.Parse(context.Request.Method),
            Version = config.Version ?? System.Net.HttpVersion.Version11,
            VersionPolicy = config.VersionPolicy ?? HttpVersionPolicy.RequestVersionOrLower,
        };

        if (body.Length > 0)
        {
            // Set before the headers are copied, so that Content-Type and Content-Length land on the content.
            message.Content = new ByteArrayContent(body);
        }

        // The primary's own request shaping: rewritten path and query, Host, forwarding headers, hop-by-hop headers dropped.
        await ForwardingTransformer.Instance.TransformRequestAsync(context, message, endpoint.Prefix, CancellationToken.None).ConfigureAwait(false);
        if (message.Headers.Host is { Length: > 0 } host)
        {
            message.Headers.Host = ShadowHost(host);
        }

        if (body.Length > 0 && message.Content is { } content)
        {
            content.Headers.ContentLength = body.Length;
        }

        return message;
    }

    private async Task SendInBackgroundAsync(HttpRequestMessage message, UpstreamCluster cluster, UpstreamEndpoint endpoint, TimeSpan timeout)
    {
        var status = 0;
        var error = ForwarderError.None;
        using var deadline = new CancellationTokenSource(timeout, time);
        try
        {
            using var response = await endpoint.Invoker.SendAsync(message, deadline.Token).ConfigureAwait(false);
            status = (int)response.StatusCode;

            // Read to the end so the connection goes back to the pool.
            await response.Content.CopyToAsync(Stream.Null, deadline.Token).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            // A mirror's failure is never the client's problem: swallow it, and tell its upstream's outlier detection.
            error = deadline.IsCancellationRequested ? ForwarderError.RequestTimedOut : status == 0 ? ForwarderError.Request : ForwarderError.ResponseBodyDestination;
            LogFailed(cluster.Name, endpoint.Address, ex.GetType().Name, ex.Message);
        }
        finally
        {
            message.Dispose();
            cluster.ReportOutcome(endpoint, status, error);
            cluster.ExitRequest();
            Interlocked.Decrement(ref _inFlight);
        }
    }

    [LoggerMessage(EventId = 120, Level = LogLevel.Debug, Message = "Shadowing on route {Route}: upstream {Upstream} does not exist in this snapshot; request not mirrored")]
    private partial void LogUnknownUpstream(string upstream, string route);

    [LoggerMessage(EventId = 121, Level = LogLevel.Debug, Message = "Mirrored request to {Upstream} dropped: {Limit} mirrored requests already in flight")]
    private partial void LogDropped(string upstream, int limit);

    [LoggerMessage(EventId = 122, Level = LogLevel.Debug, Message = "Mirrored request to {Upstream} not sent: {Reason}")]
    public partial void LogNotSent(string upstream, string reason);

    [LoggerMessage(EventId = 123, Level = LogLevel.Debug, Message = "Mirrored request to {Upstream} at {Endpoint} failed: {Error} {Detail}")]
    private partial void LogFailed(string upstream, string endpoint, string error, string detail);

    private sealed record ShadowWork(ShadowSender Sender, HttpRequestMessage Message, UpstreamCluster Cluster, UpstreamEndpoint Endpoint, TimeSpan Timeout);
}
