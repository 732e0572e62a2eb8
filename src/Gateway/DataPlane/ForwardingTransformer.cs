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

        // The client's own X-Forwarded-* are replaced by what the listener's trust settings decided at the door.
        var headers = proxyRequest.Headers;
        headers.Remove("X-Forwarded-For");
        if (exchange.ForwardedFor is { } forwardedFor)
        {
            headers.TryAddWithoutValidation("X-Forwarded-For", forwardedFor);
        }

        headers.Remove("X-Forwarded-Proto");
        headers.TryAddWithoutValidation("X-Forwarded-Proto", exchange.ForwardedProto);
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
