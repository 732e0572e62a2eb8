using Sluice.Filters;
using Sluice.Gateway.Configuration;
using Yarp.ReverseProxy.Forwarder;

namespace Sluice.Gateway.DataPlane;

/// <summary>
/// Side requests from filters (a Wasm filter's <c>proxy_http_call</c>) to an Upstream of the live snapshot, by
/// <c>namespace/name</c> or <c>name</c>: through the Upstream's circuit breaker, its load balancer and its outcome
/// reports, like a forwarded request.
/// </summary>
internal sealed class UpstreamHttpClient(ConfigStore store) : IUpstreamHttpClient
{
    private static readonly ProxyExchange NoExchange = new(new DefaultHttpContext(), "/", "(side request)");

    public Task<HttpResponseMessage>? SendAsync(string upstream, ProxyExchange? exchange, HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var clusters = store.Current.Clusters;
        UpstreamCluster? cluster;
        if (upstream.Contains('/', StringComparison.Ordinal))
        {
            clusters.TryGetValue(upstream, out cluster);
        }
        else
        {
            var owner = exchange?.VirtualHostName ?? string.Empty;
            var slash = owner.IndexOf('/', StringComparison.Ordinal);
            var ns = slash > 0 ? owner[..slash] : "default";
            if (!clusters.TryGetValue($"{ns}/{upstream}", out cluster))
            {
                clusters.TryGetValue($"default/{upstream}", out cluster);
            }
        }

        return cluster is null ? null : SendAsync(cluster, exchange ?? NoExchange, request, cancellationToken);
    }

    private static async Task<HttpResponseMessage> SendAsync(UpstreamCluster cluster, ProxyExchange exchange, HttpRequestMessage request, CancellationToken cancellationToken)
    {
        if (!cluster.TryEnterRequest(out var overflow))
        {
            throw new HttpRequestException($"upstream {cluster.Name} refused the call: circuit breaker open ({overflow})");
        }

        try
        {
            var endpoint = cluster.PickEndpoint(exchange, previous: null) ?? throw new HttpRequestException($"upstream {cluster.Name} has no healthy endpoint");
            var status = 0;
            var error = ForwarderError.Request;
            try
            {
                request.RequestUri = new Uri(endpoint.Prefix.TrimEnd('/') + request.RequestUri!.OriginalString);
                request.Version = cluster.RequestConfig.Version ?? System.Net.HttpVersion.Version11;
                request.VersionPolicy = cluster.RequestConfig.VersionPolicy ?? HttpVersionPolicy.RequestVersionOrLower;
                var response = await endpoint.Invoker.SendAsync(request, cancellationToken).ConfigureAwait(false);
                status = (int)response.StatusCode;
                error = ForwarderError.None;
                return response;
            }
            finally
            {
                cluster.ReportOutcome(endpoint, status, error);
            }
        }
        finally
        {
            cluster.ExitRequest();
        }
    }
}
