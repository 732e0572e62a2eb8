using Microsoft.Extensions.Primitives;
using Sluice.Filters.Compression;

namespace Sluice.Filters.Tests.Compression;

public sealed class AcceptEncodingNegotiatorTests
{
    [Theory]
    [InlineData(null, "Identity")]
    [InlineData("", "Identity")]
    [InlineData("gzip", "Gzip")]
    [InlineData("GZIP", "Gzip")]
    [InlineData("x-gzip", "Gzip")]
    [InlineData("br", "Brotli")]
    [InlineData("gzip, deflate, br", "Brotli")]
    [InlineData("br;q=0.5, gzip", "Gzip")]
    [InlineData("gzip;q=0.5, br;q=0.5", "Brotli")]
    [InlineData("gzip;q=0.9, br;q=0.4", "Gzip")]
    [InlineData("br;q=0, gzip;q=0.1", "Gzip")]
    [InlineData("gzip;q=0", "Identity")]
    [InlineData("gzip;q=0, br;q=0", "Identity")]
    [InlineData("deflate", "Identity")]
    [InlineData("*", "Brotli")]
    [InlineData("*;q=0", "Identity")]
    [InlineData("gzip;q=0, *", "Brotli")]
    [InlineData("br;q=0, *", "Gzip")]
    [InlineData("identity", "Identity")]
    [InlineData("identity;q=0", "Identity")]
    [InlineData("identity;q=0, gzip", "Gzip")]
    [InlineData("gzip;q=0.5, identity", "Identity")]
    [InlineData("gzip;q=0.5, identity;q=0.5", "Gzip")]
    [InlineData("gzip;q=0.5, *;q=0.8", "Brotli")]
    [InlineData("gzip;q=0.8, *;q=0.5, identity;q=0.1", "Gzip")]
    [InlineData("gzip;q=0.5, *;q=0.9, br;q=0", "Identity")]
    [InlineData(" gzip ; q = 0.7 ,br ;Q=0.6", "Gzip")]
    [InlineData("gzip;q=abc", "Identity")]
    [InlineData("gzip;q=2", "Identity")]
    [InlineData("gzip;level=1", "Gzip")]
    [InlineData("gzip;q=0, gzip", "Identity")]
    [InlineData(",,gzip,,", "Gzip")]
    public void Negotiate_WithBrotliEnabled(string? header, string expected) =>
        Assert.Equal(Enum.Parse<ContentCoding>(expected), AcceptEncodingNegotiator.Negotiate(header, brotliEnabled: true));

    [Theory]
    [InlineData("br", "Identity")]
    [InlineData("gzip, br", "Gzip")]
    [InlineData("br;q=1, gzip;q=0.1", "Gzip")]
    [InlineData("*", "Gzip")]
    public void Negotiate_WithBrotliDisabled_NeverPicksBrotli(string header, string expected) =>
        Assert.Equal(Enum.Parse<ContentCoding>(expected), AcceptEncodingNegotiator.Negotiate(header, brotliEnabled: false));

    [Fact]
    public void Negotiate_ReadsEveryHeaderLine()
    {
        var lines = new StringValues(["identity;q=0.1", "gzip;q=0.2"]);
        Assert.Equal(ContentCoding.Gzip, AcceptEncodingNegotiator.Negotiate(lines, brotliEnabled: true));
    }
}
