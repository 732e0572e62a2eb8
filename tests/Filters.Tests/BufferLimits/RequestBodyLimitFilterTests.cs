using System.Text;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Sluice.Filters.BufferLimits;

namespace Sluice.Filters.Tests.BufferLimits;

public sealed class RequestBodyLimitFilterTests
{
    [Fact]
    public async Task DeclaredLengthOverTheLimit_Is413_WithoutReadingTheBody()
    {
        var body = new CountingStream(new byte[101]);
        var exchange = Exchange(body, contentLength: 101);
        var verdict = await Limit(100).OnRequestAsync(exchange);

        Assert.Equal(FilterVerdict.Handled, verdict);
        var response = exchange.HttpContext.Response;
        Assert.Equal(StatusCodes.Status413PayloadTooLarge, response.StatusCode);
        Assert.Equal("close", response.Headers.Connection.ToString());
        Assert.Equal("Payload Too Large", Encoding.UTF8.GetString(((MemoryStream)response.Body).ToArray()));
        Assert.Equal(0, body.BytesRead);
    }

    [Fact]
    public async Task DeclaredLengthAtTheLimit_PassesWithTheBodyUntouched()
    {
        var body = new CountingStream(new byte[100]);
        var exchange = Exchange(body, contentLength: 100);
        Assert.Equal(FilterVerdict.Continue, await Limit(100).OnRequestAsync(exchange));
        Assert.Same(body, exchange.HttpContext.Request.Body);
    }

    [Fact]
    public async Task Http2_413_DoesNotCloseTheConnection()
    {
        var exchange = Exchange(new CountingStream(new byte[101]), contentLength: 101);
        exchange.HttpContext.Request.Protocol = "HTTP/2";
        await Limit(100).OnRequestAsync(exchange);
        Assert.Equal(0, exchange.HttpContext.Response.Headers.Connection.Count);
    }

    [Theory]
    [InlineData(100)]
    [InlineData(99)]
    public async Task UnknownLength_UpToTheLimit_ReadsThrough(int size)
    {
        var payload = Enumerable.Range(0, size).Select(i => (byte)i).ToArray();
        var exchange = Exchange(new CountingStream(payload), contentLength: null);
        await Limit(100).OnRequestAsync(exchange);

        var read = new MemoryStream();
        await exchange.HttpContext.Request.Body.CopyToAsync(read, 7);
        Assert.Equal(payload, read.ToArray());
    }

    [Fact]
    public async Task UnknownLength_OverTheLimit_FailsTheCrossingRead_WithoutHandingOnItsBytes()
    {
        var exchange = Exchange(new CountingStream(new byte[250]), contentLength: null);
        var filter = Limit(100);
        await filter.OnRequestAsync(exchange);
        var body = exchange.HttpContext.Request.Body;

        var buffer = new byte[40];
        var handedOn = 0;
        var failure = await Assert.ThrowsAsync<BadHttpRequestException>(async () =>
        {
            while (true)
            {
                handedOn += await body.ReadAsync(buffer);
            }
        });

        Assert.Equal(StatusCodes.Status413PayloadTooLarge, failure.StatusCode);
        Assert.Equal(80, handedOn);
        await Assert.ThrowsAsync<BadHttpRequestException>(async () => _ = await body.ReadAsync(buffer));

        // The forwarder set 413 without a body; the filter writes Envoy's and closes the HTTP/1 connection.
        exchange.HttpContext.Response.StatusCode = StatusCodes.Status413PayloadTooLarge;
        await filter.OnResponseCompletedAsync(exchange);
        Assert.Equal("Payload Too Large", Encoding.UTF8.GetString(((MemoryStream)exchange.HttpContext.Response.Body).ToArray()));
        Assert.Equal("close", exchange.HttpContext.Response.Headers.Connection.ToString());
    }

    [Fact]
    public async Task ChunkedWithAContentLengthHeader_IsStillCounted()
    {
        var exchange = Exchange(new CountingStream(new byte[250]), contentLength: 10);
        exchange.HttpContext.Request.Headers.TransferEncoding = "chunked";
        await Limit(100).OnRequestAsync(exchange);
        Assert.IsType<LimitedRequestBody>(exchange.HttpContext.Request.Body);
    }

    [Fact]
    public async Task RequestThatCannotHaveABody_IsNotWrapped()
    {
        var body = new CountingStream([]);
        var exchange = Exchange(body, contentLength: null);
        exchange.HttpContext.Features.Set<IHttpRequestBodyDetectionFeature>(new NoBody());
        await Limit(100).OnRequestAsync(exchange);
        Assert.Same(body, exchange.HttpContext.Request.Body);
    }

    [Fact]
    public async Task ListenerLimit_GivesWayToBufferPerRoute_EvenWhenDisabled()
    {
        var listener = Limit(10);
        var route = new RequestBodyLimitFilter(null, overridesListenerLimit: true);
        var exchange = Exchange(new CountingStream(new byte[500]), contentLength: 500);
        exchange.Chain = [listener, route];

        Assert.Equal(FilterVerdict.Continue, await listener.OnRequestAsync(exchange));
        Assert.Equal(FilterVerdict.Continue, await route.OnRequestAsync(exchange));
        Assert.Equal(200, exchange.HttpContext.Response.StatusCode);
    }

    [Fact]
    public async Task RouteLimit_AppliesBesideAListenerLimit()
    {
        var listener = Limit(1000);
        var route = new RequestBodyLimitFilter(10, overridesListenerLimit: true);
        var exchange = Exchange(new CountingStream(new byte[500]), contentLength: 500);
        exchange.Chain = [listener, route];

        Assert.Equal(FilterVerdict.Continue, await listener.OnRequestAsync(exchange));
        Assert.Equal(FilterVerdict.Handled, await route.OnRequestAsync(exchange));
    }

    [Fact]
    public async Task ListenerLimit_AppliesAlone()
    {
        var listener = Limit(10);
        var exchange = Exchange(new CountingStream(new byte[500]), contentLength: 500);
        exchange.Chain = [listener];
        Assert.Equal(FilterVerdict.Handled, await listener.OnRequestAsync(exchange));
    }

    private static RequestBodyLimitFilter Limit(long bytes) => new(bytes, overridesListenerLimit: false);

    private static ProxyExchange Exchange(Stream body, long? contentLength)
    {
        var context = new DefaultHttpContext();
        context.Request.Method = "POST";
        context.Request.Protocol = "HTTP/1.1";
        context.Request.Body = body;
        context.Request.ContentLength = contentLength;
        context.Response.Body = new MemoryStream();
        return new ProxyExchange(context, "/", "r");
    }

    private sealed class NoBody : IHttpRequestBodyDetectionFeature
    {
        public bool CanHaveBody => false;
    }

    /// <summary>A request body that records how much of it was read.</summary>
    private sealed class CountingStream(byte[] content) : MemoryStream(content)
    {
        public long BytesRead => Position;
    }
}
