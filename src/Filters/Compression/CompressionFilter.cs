using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Primitives;
using Microsoft.Net.Http.Headers;

namespace Sluice.Filters.Compression;

/// <summary>
/// <c>options.gzip</c> at run time. Request side: negotiate the coding from Accept-Encoding and, when the client
/// accepts one, install <see cref="CompressingResponseBody"/> (beneath anything that replaces the body later).
/// Response side: add Vary, arm the body; the body decides at its first write and <see cref="OnResponseCompletedAsync"/>
/// ends the stream. Its stage is Transform: sorted by option name, <c>gzip</c> comes before <c>transformations</c>,
/// so on the way back it completes after them and compresses what they wrote.
/// </summary>
internal sealed class CompressionFilter(CompressionPolicy policy) : HttpFilter
{
    public override FilterStage Stage => FilterStage.Transform;

    public CompressionPolicy Policy { get; } = policy;

    public override string Describe()
    {
        var types = ReferenceEquals(Policy.ContentTypes, CompressionPolicy.DefaultContentTypes) ? "default types" : string.Join(",", Policy.ContentTypes);
        return $"gzip {(Policy.Brotli ? "br+gzip" : "gzip")} level {Policy.Level} min {Policy.MinimumLength}B {types}"
            + (Policy.DisableOnEtag ? " disableOnEtag" : string.Empty)
            + (Policy.RemoveAcceptEncoding ? " removeAcceptEncoding" : string.Empty);
    }

    public override ValueTask<FilterVerdict> OnRequestAsync(ProxyExchange exchange)
    {
        var context = exchange.HttpContext;
        var request = context.Request;
        var coding = AcceptEncodingNegotiator.Negotiate(request.Headers.AcceptEncoding, Policy.Brotli);
        if (Policy.RemoveAcceptEncoding)
        {
            // Envoy removes it whatever it negotiated, so that the upstream never compresses on its own.
            request.Headers.Remove(HeaderNames.AcceptEncoding);
        }

        // HEAD has no body to compress; CONNECT and upgrades carry another protocol.
        if (coding == ContentCoding.Identity || HttpMethods.IsHead(request.Method) || HttpMethods.IsConnect(request.Method)
            || !StringValues.IsNullOrEmpty(request.Headers.Upgrade))
        {
            return new(FilterVerdict.Continue);
        }

        var inner = context.Features.Get<IHttpResponseBodyFeature>();
        if (inner is not null)
        {
            var body = new CompressingResponseBody(context, inner, Policy, coding);
            context.Features.Set<IHttpResponseBodyFeature>(body);
            exchange.SetState(this, body);
        }

        return new(FilterVerdict.Continue);
    }

    public override void OnResponseHeaders(ProxyExchange exchange)
    {
        var response = exchange.HttpContext.Response;
        if (Policy.IsCompressible(response, contentTypeKnown: true))
        {
            CompressionPolicy.AddVary(response.Headers);
        }

        exchange.GetState<CompressingResponseBody>(this)?.Arm();
    }

    public override ValueTask OnResponseCompletedAsync(ProxyExchange exchange) =>
        exchange.GetState<CompressingResponseBody>(this) is { } body ? new(body.FinishAsync()) : ValueTask.CompletedTask;
}
