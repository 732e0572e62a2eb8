using Sluice.Filters;
using Sluice.Gateway.Telemetry.Metrics;
using Sluice.Gateway.Telemetry.Tracing;
using Yarp.ReverseProxy.Forwarder;

namespace Sluice.Gateway.DataPlane;

/// <summary>
/// Shapes the upstream request from the exchange the filter chain produced: the rewritten path, the Host (the
/// client's, as Envoy forwards it, unless <c>hostRewrite</c> set one) and the forwarding headers. Shared by every
/// request; per-request state comes from the <see cref="ProxyExchange"/> feature.
/// </summary>
internal sealed class ForwardingTransformer : HttpTransformer
{
    public static ForwardingTransformer Instance { get; } = new();

    public override async ValueTask TransformRequestAsync(HttpContext httpContext, HttpRequestMessage proxyRequest, string destinationPrefix, CancellationToken cancellationToken)
    {
        await base.TransformRequestAsync(httpContext, proxyRequest, destinationPrefix, cancellationToken).ConfigureAwait(false);
        var exchange = httpContext.Features.Get<ProxyExchange>()!;
        proxyRequest.RequestUri = RequestUtilities.MakeDestinationAddress(destinationPrefix, new PathString(exchange.UpstreamPath), httpContext.Request.QueryString);
        proxyRequest.Headers.Host = exchange.UpstreamHost ?? httpContext.Request.Host.Value;

        var headers = proxyRequest.Headers;
        var remote = httpContext.Connection.RemoteIpAddress;
        if (remote is not null)
        {
            // Envoy appends the peer to X-Forwarded-For; which earlier hops to trust is the security work's concern.
            var existing = httpContext.Request.Headers["X-Forwarded-For"];
            headers.Remove("X-Forwarded-For");
            var peer = remote.IsIPv4MappedToIPv6 ? remote.MapToIPv4().ToString() : remote.ToString();
            headers.TryAddWithoutValidation("X-Forwarded-For", existing.Count == 0 ? peer : $"{existing}, {peer}");
        }

        headers.Remove("X-Forwarded-Proto");
        headers.TryAddWithoutValidation("X-Forwarded-Proto", httpContext.Request.Scheme);
        GatewayTracing.Inject(proxyRequest, exchange.PropagatedTrace);
    }

    public override async ValueTask<bool> TransformResponseAsync(HttpContext httpContext, HttpResponseMessage? proxyResponse, CancellationToken cancellationToken)
    {
        var result = await base.TransformResponseAsync(httpContext, proxyResponse, cancellationToken).ConfigureAwait(false);
        if (proxyResponse is not null)
        {
            var exchange = httpContext.Features.Get<ProxyExchange>()!;
            UpstreamMetrics.ResponseReceived(exchange);
            ProxyRequestHandler.RunResponseFilters(exchange);
            var response = httpContext.Response;
            if (response.ContentLength is null && exchange.CountedResponseBody is null && response.StatusCode is not (StatusCodes.Status101SwitchingProtocols or StatusCodes.Status204NoContent or StatusCodes.Status304NotModified))
            {
                // Without a length the size is known only by counting; responses with one are measured from the header.
                var counting = new ByteCountingStream(response.Body);
                response.Body = counting;
                exchange.CountedResponseBody = counting;
            }
        }

        return result;
    }
}
