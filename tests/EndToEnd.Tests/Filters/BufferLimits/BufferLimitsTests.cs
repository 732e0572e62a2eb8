using System.Net;

namespace Sluice.EndToEnd.Tests.Filters.BufferLimits;

/// <summary>
/// Request body limits through the real gateway: declared lengths refused before the upstream is contacted, streamed
/// bodies counted as they stream (HTTP/1.1 chunked, HTTP/2, gRPC-typed h2c), bodies within the limit untouched.
/// </summary>
public sealed class BufferLimitsTests(BufferLimitsEnvironment environment) : IClassFixture<BufferLimitsEnvironment>
{
    [Theory]
    [InlineData("1.1")]
    [InlineData("2.0")]
    public async Task ContentLengthOverTheLimit_Is413_AndTheBackendIsNeverCalled(string version)
    {
        using var client = environment.Client(version);
        var before = environment.Sink.Requests;
        foreach (var size in new[] { BufferLimitsEnvironment.RouteLimit + 1, 1_000_000 })
        {
            using var request = BufferLimitsEnvironment.Post(client, "/limited/upload", new ByteArrayContent(BufferLimitsEnvironment.Payload(size)));
            using var response = await client.SendAsync(request);

            Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
            Assert.Equal("Payload Too Large", await response.Content.ReadAsStringAsync());
        }

        Assert.Equal(before, environment.Sink.Requests);
    }

    [Fact]
    public async Task ContentLengthOverTheLimit_WithExpectContinue_Is413_BeforeTheBodyIsSent()
    {
        using var client = environment.Client("1.1");
        var content = new StreamedContentWithLength(BufferLimitsEnvironment.Payload(50_000));
        using var request = BufferLimitsEnvironment.Post(client, "/limited/upload", content);
        request.Headers.ExpectContinue = true;
        var before = environment.Sink.Requests;
        using var response = await client.SendAsync(request);

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.False(content.Sent);
        Assert.Equal(before, environment.Sink.Requests);
    }

    [Theory]
    [InlineData("1.1")]
    [InlineData("2.0")]
    public async Task StreamedBodyOverTheLimit_Is413_AndNoMoreThanTheLimitReachesTheBackend(string version)
    {
        using var client = environment.Client(version);
        var receivedBefore = environment.Sink.BytesReceived;
        var completedBefore = environment.Sink.Completed;
        var content = new StreamedContent(BufferLimitsEnvironment.Payload(1_000_000), pieceSize: 4000);
        using var request = BufferLimitsEnvironment.Post(client, "/limited/upload", content);
        using var response = await client.SendAsync(request);

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Equal("Payload Too Large", await response.Content.ReadAsStringAsync());
        if (version == "1.1")
        {
            // The rest of the body was never read: the connection cannot carry another request.
            Assert.True(response.Headers.ConnectionClose);
        }

        Assert.Equal(completedBefore, environment.Sink.Completed);
        Assert.InRange(environment.Sink.BytesReceived - receivedBefore, 0, BufferLimitsEnvironment.RouteLimit);
    }

    [Theory]
    [InlineData("1.1", true)]
    [InlineData("1.1", false)]
    [InlineData("2.0", true)]
    [InlineData("2.0", false)]
    public async Task BodyAtTheLimit_PassesIntact(string version, bool declaredLength)
    {
        using var client = environment.Client(version);
        var payload = BufferLimitsEnvironment.Payload(BufferLimitsEnvironment.RouteLimit);
        HttpContent content = declaredLength ? new ByteArrayContent(payload) : new StreamedContent(payload, pieceSize: 100);
        using var request = BufferLimitsEnvironment.Post(client, "/limited/upload", content);
        using var response = await client.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(payload, await response.Content.ReadAsByteArrayAsync());
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task GatewayLevelBuffer_AppliesToRoutesWithoutTheirOwn_AndBufferPerRouteDisabledLiftsIt(bool declaredLength)
    {
        using var client = environment.Client("1.1");
        var payload = BufferLimitsEnvironment.Payload(BufferLimitsEnvironment.GatewayLimit + 1);
        HttpContent Content() => declaredLength ? new ByteArrayContent(payload) : new StreamedContent(payload, pieceSize: 8192);

        using (var request = BufferLimitsEnvironment.Post(client, "/anything", Content()))
        using (var response = await client.SendAsync(request))
        {
            Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        }

        using (var request = BufferLimitsEnvironment.Post(client, "/unlimited/upload", Content()))
        using (var response = await client.SendAsync(request))
        {
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal(payload, await response.Content.ReadAsByteArrayAsync());
        }

        var within = BufferLimitsEnvironment.Payload(BufferLimitsEnvironment.GatewayLimit);
        using (var request = BufferLimitsEnvironment.Post(client, "/anything", new ByteArrayContent(within)))
        using (var response = await client.SendAsync(request))
        {
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal(within, await response.Content.ReadAsByteArrayAsync());
        }
    }

    [Fact]
    public async Task GrpcStreamOverH2c_OverTheLimit_IsRejected_AndTheGatewayStaysUp()
    {
        // YARP lifts Kestrel's MaxRequestBodySize for gRPC-typed HTTP/2 requests; the route's own limit must still hold.
        using var client = environment.Client("2.0");
        var total = 1024 * 1024;
        var content = new StreamedContent(BufferLimitsEnvironment.Payload(total), pieceSize: 16 * 1024, "application/grpc", TimeSpan.FromMilliseconds(2));
        var receivedBefore = environment.GrpcSink.BytesReceived;
        var requestsBefore = environment.GrpcSink.Requests;
        var completedBefore = environment.GrpcSink.Completed;
        using var request = BufferLimitsEnvironment.Post(client, "/grpc/echo.Echo/Stream", content);

        HttpStatusCode? status = null;
        try
        {
            using var response = await client.SendAsync(request);
            status = response.StatusCode;
            await response.Content.ReadAsByteArrayAsync();
        }
        catch (HttpRequestException)
        {
            // The stream was reset: also a rejection.
        }

        Assert.True(status is null or HttpStatusCode.RequestEntityTooLarge, $"status {status}");
        Assert.Equal(requestsBefore + 1, environment.GrpcSink.Requests);
        Assert.Equal(completedBefore, environment.GrpcSink.Completed);
        Assert.InRange(environment.GrpcSink.BytesReceived - receivedBefore, 0, BufferLimitsEnvironment.GrpcLimit);
        Assert.True(content.BytesWritten < total, $"the client sent all {total} bytes");

        // The gateway is up and the same route still serves a body within the limit, on a new h2c connection.
        using var fresh = environment.Client("2.0");
        var small = BufferLimitsEnvironment.Payload(1000);
        using var ok = BufferLimitsEnvironment.Post(fresh, "/grpc/echo.Echo/Unary", new StreamedContent(small, pieceSize: 500, "application/grpc"));
        using var okResponse = await fresh.SendAsync(ok);
        Assert.Equal(HttpStatusCode.OK, okResponse.StatusCode);
        Assert.Equal(small, await okResponse.Content.ReadAsByteArrayAsync());
    }

    [Fact]
    public async Task GrpcStreamOverH2c_WithinTheLimit_PassesIntact()
    {
        using var client = environment.Client("2.0");
        var payload = BufferLimitsEnvironment.Payload(BufferLimitsEnvironment.GrpcLimit);
        using var request = BufferLimitsEnvironment.Post(client, "/grpc/echo.Echo/Stream", new StreamedContent(payload, pieceSize: 4096, "application/grpc"));
        using var response = await client.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(payload, await response.Content.ReadAsByteArrayAsync());
    }

    /// <summary>A body with a declared length that records whether it was sent at all.</summary>
    private sealed class StreamedContentWithLength(byte[] body) : HttpContent
    {
        public bool Sent { get; private set; }

        protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context)
        {
            Sent = true;
            await stream.WriteAsync(body);
        }

        protected override bool TryComputeLength(out long length)
        {
            length = body.Length;
            return true;
        }
    }
}
