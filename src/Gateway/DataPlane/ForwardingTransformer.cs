using Sluice.Filters;
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
    }

    public override async ValueTask<bool> TransformResponseAsync(HttpContext httpContext, HttpResponseMessage? proxyResponse, CancellationToken cancellationToken)
    {
        var result = await base.TransformResponseAsync(httpContext, proxyResponse, cancellationToken).ConfigureAwait(false);
        if (proxyResponse is not null)
        {
            ProxyRequestHandler.RunResponseFilters(httpContext.Features.Get<ProxyExchange>()!);
        }

        return result;
    }
}
