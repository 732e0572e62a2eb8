using System.IO.Compression;
using System.Net;

namespace Sluice.EndToEnd.Tests.Filters.Compression;

/// <summary>
/// Response compression through the real gateway and a real backend, for HTTP/1.1 and h2c clients. The clients never
/// decompress on their own (the harness's handler has AutomaticDecompression off); the tests decode the bytes.
/// </summary>
public sealed class CompressionTests(CompressionEnvironment environment) : IClassFixture<CompressionEnvironment>
{
    [Theory]
    [InlineData("1.1", "gzip", "gzip")]
    [InlineData("1.1", "gzip, deflate, br", "br")]
    [InlineData("2.0", "gzip", "gzip")]
    [InlineData("2.0", "br;q=1, gzip;q=0.5", "br")]
    [InlineData("2.0", "br;q=0.4, gzip;q=0.5", "gzip")]
    public async Task CompressedResponse_DecompressesToTheOriginalBytes(string version, string acceptEncoding, string expected)
    {
        using var client = environment.Client(ClientVersions.Parse(version));
        using var response = await client.SendAsync(CompressionEnvironment.Get(client, "/text", acceptEncoding));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(ClientVersions.Parse(version), response.Version);
        Assert.Equal([expected], response.Content.Headers.ContentEncoding);
        Assert.Contains("Accept-Encoding", response.Headers.Vary);
        Assert.False(HasContentLength(response));
        Assert.Equal("text/plain; charset=utf-8", response.Content.Headers.ContentType?.ToString());
        var body = await response.Content.ReadAsByteArrayAsync();
        Assert.True(body.Length < CompressionEnvironment.Text.Length / 3, $"{body.Length} bytes for {CompressionEnvironment.Text.Length}");
        Assert.Equal(CompressionEnvironment.Text, CompressionEnvironment.Decompress(expected, body));
    }

    [Theory]
    [MemberData(nameof(ClientVersions.All), MemberType = typeof(ClientVersions))]
    public async Task AlreadyEncodedResponse_IsForwardedByteForByte(string version)
    {
        using var client = environment.Client(ClientVersions.Parse(version));
        using var response = await client.SendAsync(CompressionEnvironment.Get(client, "/encoded", "br, gzip"));

        Assert.Equal(["gzip"], response.Content.Headers.ContentEncoding);
        Assert.Equal(CompressionEnvironment.PreEncoded.Length.ToString(System.Globalization.CultureInfo.InvariantCulture), ContentLengthHeader(response));
        Assert.Equal(CompressionEnvironment.PreEncoded, await response.Content.ReadAsByteArrayAsync());
    }

    [Theory]
    [InlineData("1.1", "/small", "text/plain")]
    [InlineData("2.0", "/small", "text/plain")]
    [InlineData("1.1", "/png", "image/png")]
    [InlineData("2.0", "/png", "image/png")]
    [InlineData("1.1", "/no-transform", "text/plain")]
    public async Task SmallUnlistedOrNoTransformResponse_IsUntouched(string version, string path, string contentType)
    {
        using var client = environment.Client(ClientVersions.Parse(version));
        using var response = await client.SendAsync(CompressionEnvironment.Get(client, path, "gzip, br"));

        Assert.Empty(response.Content.Headers.ContentEncoding);
        Assert.Equal(contentType, response.Content.Headers.ContentType?.MediaType);
        var body = await response.Content.ReadAsByteArrayAsync();
        Assert.Equal(body.Length.ToString(System.Globalization.CultureInfo.InvariantCulture), ContentLengthHeader(response));
        Assert.DoesNotContain("Accept-Encoding", response.Headers.Vary);
        var expected = path switch
        {
            "/small" => CompressionEnvironment.Text.AsSpan(0, 20).ToArray(),
            "/png" => CompressionEnvironment.Png,
            _ => CompressionEnvironment.Text,
        };
        Assert.Equal(expected, body);
    }

    [Theory]
    [MemberData(nameof(ClientVersions.All), MemberType = typeof(ClientVersions))]
    public async Task Head_IsUntouched(string version)
    {
        using var client = environment.Client(ClientVersions.Parse(version));
        using var response = await client.SendAsync(CompressionEnvironment.Get(client, "/text", "gzip, br", HttpMethod.Head));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Empty(response.Content.Headers.ContentEncoding);
        Assert.Equal(CompressionEnvironment.Text.Length.ToString(System.Globalization.CultureInfo.InvariantCulture), ContentLengthHeader(response));
        Assert.Empty(await response.Content.ReadAsByteArrayAsync());
    }

    [Theory]
    [InlineData(null)]
    [InlineData("identity")]
    [InlineData("deflate")]
    [InlineData("gzip;q=0, br;q=0")]
    public async Task ClientThatAcceptsNoCoding_GetsIdentity_WithVary(string? acceptEncoding)
    {
        using var client = environment.Client(ClientVersions.Parse("1.1"));
        using var response = await client.SendAsync(CompressionEnvironment.Get(client, "/text", acceptEncoding));

        Assert.Empty(response.Content.Headers.ContentEncoding);
        Assert.Contains("Accept-Encoding", response.Headers.Vary);
        Assert.Equal(CompressionEnvironment.Text, await response.Content.ReadAsByteArrayAsync());
    }

    [Theory]
    [InlineData("1.1", "gzip")]
    [InlineData("1.1", "br")]
    [InlineData("2.0", "gzip")]
    [InlineData("2.0", "br")]
    public async Task StreamedResponse_ArrivesProgressively(string version, string coding)
    {
        var id = Guid.NewGuid().ToString("N");
        var gate = environment.StreamGate(id);
        using var client = environment.Client(ClientVersions.Parse(version));
        using var response = await client.SendAsync(CompressionEnvironment.Get(client, $"/stream?id={id}", coding), HttpCompletionOption.ResponseHeadersRead);
        Assert.Equal([coding], response.Content.Headers.ContentEncoding);

        await using var body = await response.Content.ReadAsStreamAsync();
        await using Stream decoder = coding == "br" ? new BrotliStream(body, CompressionMode.Decompress) : new GZipStream(body, CompressionMode.Decompress);
        var first = new byte[CompressionEnvironment.FirstChunk.Length];

        // The backend holds the rest back until the gate opens, so this read completes only if the first chunk was
        // compressed and flushed through on its own.
        await decoder.ReadExactlyAsync(first).AsTask().WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(CompressionEnvironment.FirstChunk, first);
        Assert.False(environment.FinishedStreams.ContainsKey(id));

        gate.SetResult();
        using var rest = new MemoryStream();
        await decoder.CopyToAsync(rest);
        Assert.Equal(CompressionEnvironment.SecondChunk, rest.ToArray());
        Assert.True(environment.FinishedStreams.ContainsKey(id));
    }

    [Theory]
    [InlineData("/strong-etag", null)]
    [InlineData("/weak-etag", "W/\"v1\"")]
    public async Task Etag_StrongIsDropped_WeakIsKept_WhenCompressed(string path, string? expected)
    {
        using var client = environment.Client(ClientVersions.Parse("1.1"));
        using var response = await client.SendAsync(CompressionEnvironment.Get(client, path, "gzip"));

        Assert.Equal(["gzip"], response.Content.Headers.ContentEncoding);
        Assert.Equal(expected, response.Headers.ETag?.ToString());
        Assert.Equal(CompressionEnvironment.Text, CompressionEnvironment.Decompress("gzip", await response.Content.ReadAsByteArrayAsync()));
    }

    [Theory]
    [MemberData(nameof(ClientVersions.All), MemberType = typeof(ClientVersions))]
    public async Task GatewayLevelGzip_AppliesToEveryRoute_AndARouteOverridesIt(string version)
    {
        using var client = environment.Client(ClientVersions.Parse(version));

        // The catch-all route has no gzip of its own: the Gateway's applies, brotli included.
        Assert.Equal("br", await CodingOfAsync(client, "/json"));
        Assert.Null(await CodingOfAsync(client, "/png"));

        // /override/ sets its own gzip (PNG only, no brotli): it replaces the Gateway's as a whole.
        Assert.Equal("gzip", await CodingOfAsync(client, "/override/png"));
        Assert.Null(await CodingOfAsync(client, "/override/text"));

        // /off/ turns it off.
        Assert.Null(await CodingOfAsync(client, "/off/text"));
        Assert.Null(await CodingOfAsync(client, "/off/json"));
    }

    [Theory]
    [MemberData(nameof(ClientVersions.All), MemberType = typeof(ClientVersions))]
    public async Task DirectResponse_IsCompressedToo(string version)
    {
        using var client = environment.Client(ClientVersions.Parse(version));
        using var response = await client.SendAsync(CompressionEnvironment.Get(client, "/direct", "gzip"));

        Assert.Equal(["gzip"], response.Content.Headers.ContentEncoding);
        Assert.False(HasContentLength(response));
        var text = System.Text.Encoding.UTF8.GetString(CompressionEnvironment.Decompress("gzip", await response.Content.ReadAsByteArrayAsync()));
        Assert.StartsWith("a direct response from the gateway", text, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("1.1", "gzip")]
    [InlineData("2.0", "br")]
    public async Task ResponseBodyTransformation_IsCompressedAfterItRan(string version, string coding)
    {
        using var client = environment.Client(ClientVersions.Parse(version));
        using var response = await client.SendAsync(CompressionEnvironment.Get(client, "/transformed/text", coding));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal([coding], response.Content.Headers.ContentEncoding);
        var plain = CompressionEnvironment.Decompress(coding, await response.Content.ReadAsByteArrayAsync());
        Assert.Equal([.. "[transformed] "u8.ToArray(), .. CompressionEnvironment.Text], plain);
    }

    /// <summary>The header as sent; the ContentLength property would compute a length from a buffered body.</summary>
    private static string? ContentLengthHeader(HttpResponseMessage response) =>
        response.Content.Headers.NonValidated.TryGetValues("Content-Length", out var values) ? values.ToString() : null;

    private static bool HasContentLength(HttpResponseMessage response) => ContentLengthHeader(response) is not null;

    private static async Task<string?> CodingOfAsync(HttpClient client, string path)
    {
        using var response = await client.SendAsync(CompressionEnvironment.Get(client, path, "br, gzip"));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = await response.Content.ReadAsByteArrayAsync();
        var coding = response.Content.Headers.ContentEncoding.SingleOrDefault();
        var plain = coding is null ? body : CompressionEnvironment.Decompress(coding, body);
        Assert.Equal(path.EndsWith("png", StringComparison.Ordinal) ? CompressionEnvironment.Png : CompressionEnvironment.Text, plain);
        return coding;
    }
}
