using Microsoft.AspNetCore.Http;
using Sluice.Filters.Compression;

namespace Sluice.Filters.Tests.Compression;

public sealed class CompressionPolicyTests
{
    private static readonly CompressionPolicy Defaults = new(new GzipOptions());

    [Theory]
    [InlineData("text/html")]
    [InlineData("text/html; charset=utf-8")]
    [InlineData("TEXT/HTML")]
    [InlineData("application/json;charset=utf-8")]
    [InlineData("image/svg+xml")]
    public void ListedType_IsCompressible(string contentType) => Assert.True(Defaults.IsCompressible(Response(contentType: contentType), contentTypeKnown: true));

    [Theory]
    [InlineData("image/png")]
    [InlineData("application/octet-stream")]
    [InlineData("text/event-stream")]
    [InlineData("application/grpc")]
    [InlineData("text/htmlx")]
    public void UnlistedType_IsNotCompressible(string contentType) => Assert.False(Defaults.IsCompressible(Response(contentType: contentType), contentTypeKnown: true));

    [Fact]
    public void ConfiguredTypes_ReplaceTheDefaults()
    {
        var policy = new CompressionPolicy(new GzipOptions { ContentType = ["text/event-stream"] });
        Assert.True(policy.IsCompressible(Response(contentType: "text/event-stream"), contentTypeKnown: true));
        Assert.False(policy.IsCompressible(Response(contentType: "text/html"), contentTypeKnown: true));
    }

    [Fact]
    public void MissingContentType_IsNotCompressible_OnceHeadersAreFinal()
    {
        var response = Response(contentType: null);
        Assert.False(Defaults.IsCompressible(response, contentTypeKnown: true));
        Assert.True(Defaults.IsCompressible(response, contentTypeKnown: false));
    }

    [Theory]
    [InlineData(101)]
    [InlineData(204)]
    [InlineData(206)]
    [InlineData(304)]
    public void StatusWithoutACompressibleBody_IsNotCompressible(int status) =>
        Assert.False(Defaults.IsCompressible(Response(status: status), contentTypeKnown: true));

    [Theory]
    [InlineData(200)]
    [InlineData(404)]
    [InlineData(503)]
    public void OtherStatuses_AreCompressible(int status) => Assert.True(Defaults.IsCompressible(Response(status: status), contentTypeKnown: true));

    [Theory]
    [InlineData(29L, false)]
    [InlineData(30L, true)]
    [InlineData(null, true)]
    public void KnownLength_BelowTheMinimum_IsNotCompressible(long? length, bool expected) =>
        Assert.Equal(expected, Defaults.IsCompressible(Response(contentLength: length), contentTypeKnown: true));

    [Theory]
    [InlineData("Content-Encoding", "gzip")]
    [InlineData("Content-Encoding", "identity")]
    [InlineData("Content-Range", "bytes 0-99/1000")]
    [InlineData("Cache-Control", "no-transform")]
    [InlineData("Cache-Control", "public, No-Transform, max-age=60")]
    public void Header_ThatForbidsACoding_MakesItNotCompressible(string name, string value)
    {
        var response = Response();
        response.Headers[name] = value;
        Assert.False(Defaults.IsCompressible(response, contentTypeKnown: true));
    }

    [Fact]
    public void CacheControlWithoutNoTransform_IsCompressible()
    {
        var response = Response();
        response.Headers.CacheControl = "no-cache, max-age=0";
        Assert.True(Defaults.IsCompressible(response, contentTypeKnown: true));
    }

    [Fact]
    public void Etag_DisablesCompressionOnlyWithDisableOnEtagHeader()
    {
        var response = Response();
        response.Headers.ETag = "\"abc\"";
        Assert.True(Defaults.IsCompressible(response, contentTypeKnown: true));
        Assert.False(new CompressionPolicy(new GzipOptions { DisableOnEtagHeader = true }).IsCompressible(response, contentTypeKnown: true));
    }

    [Theory]
    [InlineData(null, "Accept-Encoding")]
    [InlineData("Origin", "Origin, Accept-Encoding")]
    [InlineData("accept-encoding", "accept-encoding")]
    [InlineData("Origin, Accept-Encoding", "Origin, Accept-Encoding")]
    [InlineData("*", "*")]
    public void AddVary_AddsAcceptEncodingOnce(string? existing, string expected)
    {
        IHeaderDictionary headers = new HeaderDictionary();
        if (existing is not null)
        {
            headers.Vary = existing;
        }

        CompressionPolicy.AddVary(headers);
        Assert.Equal(expected, headers.Vary.ToString());
    }

    [Theory]
    [InlineData("\"strong\"", null)]
    [InlineData("W/\"weak\"", "W/\"weak\"")]
    [InlineData("w/\"weak\"", "w/\"weak\"")]
    public void CompressedHeaders_DropAStrongEtag_KeepAWeakOne(string etag, string? expected)
    {
        IHeaderDictionary headers = new HeaderDictionary { ContentLength = 100 };
        headers.ETag = etag;
        headers.AcceptRanges = "bytes";
        CompressionPolicy.ApplyCompressedHeaders(headers, ContentCoding.Gzip);
        Assert.Equal(expected, headers.ETag.Count == 0 ? null : headers.ETag.ToString());
        Assert.Null(headers.ContentLength);
        Assert.False(headers.ContainsKey("Accept-Ranges"));
        Assert.Equal("gzip", headers.ContentEncoding.ToString());
        Assert.Equal("Accept-Encoding", headers.Vary.ToString());
    }

    private static HttpResponse Response(int status = 200, string? contentType = "text/html", long? contentLength = null)
    {
        var context = new DefaultHttpContext();
        context.Response.StatusCode = status;
        context.Response.ContentType = contentType;
        context.Response.ContentLength = contentLength;
        return context.Response;
    }
}
