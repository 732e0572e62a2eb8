using System.IO.Compression;
using System.Text;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Sluice.Filters.Compression;

namespace Sluice.Filters.Tests.Compression;

public sealed class CompressionFilterTests
{
    private static readonly byte[] Text = Encoding.UTF8.GetBytes(string.Concat(Enumerable.Repeat("the quick brown fox jumps over the lazy dog. ", 200)));

    [Theory]
    [InlineData("gzip", "gzip")]
    [InlineData("gzip, br", "br")]
    public async Task CompressedBody_DecompressesToTheOriginalBytes(string acceptEncoding, string expectedCoding)
    {
        var (exchange, wire) = Exchange(acceptEncoding);
        var filter = Filter(new GzipOptions { Brotli = true });
        await filter.OnRequestAsync(exchange);
        UpstreamHeaders(exchange, "text/plain; charset=utf-8", Text.Length);
        filter.OnResponseHeaders(exchange);

        var body = exchange.HttpContext.Response.Body;
        for (var offset = 0; offset < Text.Length; offset += 1000)
        {
            await body.WriteAsync(Text.AsMemory(offset, Math.Min(1000, Text.Length - offset)));
        }

        await filter.OnResponseCompletedAsync(exchange);

        var headers = exchange.HttpContext.Response.Headers;
        Assert.Equal(expectedCoding, headers.ContentEncoding.ToString());
        Assert.Null(exchange.HttpContext.Response.ContentLength);
        Assert.Equal("Accept-Encoding", headers.Vary.ToString());
        Assert.True(wire.Length < Text.Length / 4, $"{wire.Length} bytes on the wire for {Text.Length}");
        Assert.Equal(Text, Decompress(expectedCoding, wire.ToArray()));
    }

    [Theory]
    [InlineData("gzip")]
    [InlineData("br")]
    public async Task EveryWrite_IsFlushed_SoAStreamedResponseDecodesAsItArrives(string coding)
    {
        var (exchange, wire) = Exchange(coding);
        var filter = Filter(new GzipOptions { Brotli = true });
        await filter.OnRequestAsync(exchange);
        UpstreamHeaders(exchange, "text/plain", length: null);
        filter.OnResponseHeaders(exchange);

        var first = Encoding.UTF8.GetBytes("data: first event, long enough to be worth compressing\n\n");
        await exchange.HttpContext.Response.Body.WriteAsync(first);

        // Only what is on the wire so far, without the end of the stream: it must already decode to the first write.
        using var prefix = Decompressor(coding, new MemoryStream(wire.ToArray()));
        var decoded = new byte[first.Length];
        await prefix.ReadExactlyAsync(decoded);
        Assert.Equal(first, decoded);

        await exchange.HttpContext.Response.Body.WriteAsync(Text);
        await filter.OnResponseCompletedAsync(exchange);
        Assert.Equal([.. first, .. Text], Decompress(coding, wire.ToArray()));
    }

    [Fact]
    public async Task BodyWriter_IsCompressedToo()
    {
        var (exchange, wire) = Exchange("gzip");
        var filter = Filter(new GzipOptions());
        await filter.OnRequestAsync(exchange);
        UpstreamHeaders(exchange, "application/json", length: null);
        filter.OnResponseHeaders(exchange);

        await exchange.HttpContext.Response.BodyWriter.WriteAsync(Text);
        await filter.OnResponseCompletedAsync(exchange);
        Assert.Equal(Text, Decompress("gzip", wire.ToArray()));
    }

    [Fact]
    public async Task HeadersSetAfterTheChainRan_AreWhatDecides_AsForADirectResponse()
    {
        var (exchange, wire) = Exchange("gzip");
        var filter = Filter(new GzipOptions());
        await filter.OnRequestAsync(exchange);
        filter.OnResponseHeaders(exchange);

        // The handler writes a direct response: Content-Type and Content-Length come after the response filters.
        var response = exchange.HttpContext.Response;
        response.ContentType = "text/plain; charset=utf-8";
        response.ContentLength = Text.Length;
        await response.Body.WriteAsync(Text);
        await filter.OnResponseCompletedAsync(exchange);

        Assert.Equal("gzip", response.Headers.ContentEncoding.ToString());
        Assert.Null(response.ContentLength);
        Assert.Equal(Text, Decompress("gzip", wire.ToArray()));
    }

    [Theory]
    [InlineData("image/png", 5000L)]
    [InlineData("text/plain", 20L)]
    [InlineData(null, 5000L)]
    public async Task UncompressibleResponse_PassesThroughUntouched(string? contentType, long length)
    {
        var (exchange, wire) = Exchange("gzip, br");
        var filter = Filter(new GzipOptions { Brotli = true });
        await filter.OnRequestAsync(exchange);
        UpstreamHeaders(exchange, contentType, length);
        filter.OnResponseHeaders(exchange);
        var payload = Text.AsMemory(0, (int)length);
        await exchange.HttpContext.Response.Body.WriteAsync(payload);
        await filter.OnResponseCompletedAsync(exchange);

        Assert.Equal(0, exchange.HttpContext.Response.Headers.ContentEncoding.Count);
        Assert.Equal(length, exchange.HttpContext.Response.ContentLength);
        Assert.Equal(0, exchange.HttpContext.Response.Headers.Vary.Count);
        Assert.Equal(payload.ToArray(), wire.ToArray());
    }

    [Fact]
    public async Task AlreadyEncodedResponse_PassesThroughUntouched()
    {
        var (exchange, wire) = Exchange("gzip");
        var filter = Filter(new GzipOptions());
        await filter.OnRequestAsync(exchange);
        UpstreamHeaders(exchange, "text/plain", length: null);
        exchange.HttpContext.Response.Headers.ContentEncoding = "br";
        filter.OnResponseHeaders(exchange);
        await exchange.HttpContext.Response.Body.WriteAsync(Text);
        await filter.OnResponseCompletedAsync(exchange);

        Assert.Equal("br", exchange.HttpContext.Response.Headers.ContentEncoding.ToString());
        Assert.Equal(Text, wire.ToArray());
    }

    [Fact]
    public async Task ReplyWrittenBeforeTheResponseFiltersRan_IsNeverCompressed()
    {
        // A filter that answers on the request side (Handled) writes through the body; the chain's response side
        // never runs, so nothing would end a compressed stream.
        var (exchange, wire) = Exchange("gzip");
        var filter = Filter(new GzipOptions());
        await filter.OnRequestAsync(exchange);
        UpstreamHeaders(exchange, "text/plain", length: null);
        await exchange.HttpContext.Response.Body.WriteAsync(Text);

        Assert.Equal(0, exchange.HttpContext.Response.Headers.ContentEncoding.Count);
        Assert.Equal(Text, wire.ToArray());
    }

    [Theory]
    [InlineData("HEAD", "gzip")]
    [InlineData("GET", "identity")]
    [InlineData("GET", null)]
    public async Task NoBodyToCompress_OrNoCodingAccepted_LeavesTheBodyFeatureAlone_ButAddsVary(string method, string? acceptEncoding)
    {
        var (exchange, _) = Exchange(acceptEncoding);
        exchange.HttpContext.Request.Method = method;
        var before = exchange.HttpContext.Features.Get<IHttpResponseBodyFeature>();
        var filter = Filter(new GzipOptions());
        await filter.OnRequestAsync(exchange);
        Assert.Same(before, exchange.HttpContext.Features.Get<IHttpResponseBodyFeature>());

        UpstreamHeaders(exchange, "text/html", 5000);
        filter.OnResponseHeaders(exchange);
        Assert.Equal("Accept-Encoding", exchange.HttpContext.Response.Headers.Vary.ToString());
        Assert.Equal(5000, exchange.HttpContext.Response.ContentLength);
    }

    [Fact]
    public async Task RemoveAcceptEncodingHeader_RemovesItFromTheUpstreamRequest_AndStillCompresses()
    {
        var (exchange, wire) = Exchange("gzip");
        var filter = Filter(new GzipOptions { RemoveAcceptEncodingHeader = true });
        await filter.OnRequestAsync(exchange);
        Assert.False(exchange.HttpContext.Request.Headers.ContainsKey("Accept-Encoding"));

        UpstreamHeaders(exchange, "text/plain", length: null);
        filter.OnResponseHeaders(exchange);
        await exchange.HttpContext.Response.Body.WriteAsync(Text);
        await filter.OnResponseCompletedAsync(exchange);
        Assert.Equal(Text, Decompress("gzip", wire.ToArray()));
    }

    [Fact]
    public async Task WithoutRemoveAcceptEncodingHeader_TheUpstreamSeesIt()
    {
        var (exchange, _) = Exchange("gzip");
        await Filter(new GzipOptions()).OnRequestAsync(exchange);
        Assert.Equal("gzip", exchange.HttpContext.Request.Headers.AcceptEncoding.ToString());
    }

    private static CompressionFilter Filter(GzipOptions options) => (CompressionFilter)new GzipFilterDescriptor().Compile(options);

    private static (ProxyExchange Exchange, MemoryStream Wire) Exchange(string? acceptEncoding)
    {
        var wire = new MemoryStream();
        var context = new DefaultHttpContext();
        context.Features.Set<IHttpResponseBodyFeature>(new StreamResponseBodyFeature(wire));
        context.Request.Method = "GET";
        if (acceptEncoding is not null)
        {
            context.Request.Headers.AcceptEncoding = acceptEncoding;
        }

        return (new ProxyExchange(context, "/", "r"), wire);
    }

    private static void UpstreamHeaders(ProxyExchange exchange, string? contentType, long? length)
    {
        var response = exchange.HttpContext.Response;
        response.StatusCode = 200;
        response.ContentType = contentType;
        response.ContentLength = length;
    }

    private static Stream Decompressor(string coding, Stream compressed) =>
        coding == "br" ? new BrotliStream(compressed, CompressionMode.Decompress) : new GZipStream(compressed, CompressionMode.Decompress);

    private static byte[] Decompress(string coding, byte[] compressed)
    {
        using var decompressor = Decompressor(coding, new MemoryStream(compressed));
        using var plain = new MemoryStream();
        decompressor.CopyTo(plain);
        return plain.ToArray();
    }
}
