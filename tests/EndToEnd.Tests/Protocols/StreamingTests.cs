using System.Net;
using System.Net.WebSockets;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Http;
using Sluice.EndToEnd.Tests.Harness;
using Sluice.EndToEnd.Tests.Protocols.Support;
using Sluice.EndToEnd.Tests.Routing.Support;

namespace Sluice.EndToEnd.Tests.Protocols;

/// <summary>Bodies and connections that must pass through whole: WebSockets, large uploads, streamed responses.</summary>
public sealed class StreamingTests
{
    [Fact]
    public async Task WebSocket_PassesThroughBothWays()
    {
        await using var backend = await WebSocketBackend.StartAsync();
        await using var gateway = await GatewayFixture.StartAsync(g =>
        {
            g.WriteFile("upstreams.yaml", RouteYaml.Upstream("ws", backend.Port));
            g.WriteFile("vs.yaml", RouteYaml.VirtualService("vs", RouteYaml.Route("prefix: /ws", "ws", options: "prefixRewrite: /socket")));
        });

        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        using var client = new ClientWebSocket();
        await client.ConnectAsync(new Uri($"ws://127.0.0.1:{gateway.HttpPort}/ws/chat?room=7"), timeout.Token);
        Assert.Equal(WebSocketState.Open, client.State);

        var buffer = new byte[128 * 1024];
        async Task<string> ReceiveTextAsync()
        {
            var length = 0;
            while (true)
            {
                var result = await client.ReceiveAsync(buffer.AsMemory(length), timeout.Token);
                Assert.Equal(WebSocketMessageType.Text, result.MessageType);
                length += result.Count;
                if (result.EndOfMessage)
                {
                    return Encoding.UTF8.GetString(buffer, 0, length);
                }
            }
        }

        Assert.Equal($"path=/socket/chat?room=7 host=127.0.0.1:{gateway.HttpPort}", await ReceiveTextAsync());
        foreach (var message in new[] { "hello", "second message", new string('x', 70_000) })
        {
            await client.SendAsync(Encoding.UTF8.GetBytes(message), WebSocketMessageType.Text, endOfMessage: true, timeout.Token);
            Assert.Equal(message, await ReceiveTextAsync());
        }

        await client.CloseAsync(WebSocketCloseStatus.NormalClosure, "done", timeout.Token);
        Assert.Equal(WebSocketState.Closed, client.State);
        Assert.Equal(WebSocketCloseStatus.NormalClosure, client.CloseStatus);
        Assert.Equal(1, backend.Upgrades);
    }

    [Fact]
    public async Task OneMebibyteRequestBody_IsForwardedIntact()
    {
        // The backend answers with the length and SHA-256 of what it received.
        await using var backend = await TestBackend.StartAsync("sink", async context =>
        {
            using var received = new MemoryStream();
            await context.Request.Body.CopyToAsync(received);
            var hash = Convert.ToHexString(SHA256.HashData(received.ToArray()));
            await context.Response.WriteAsync($"{received.Length} {hash} {context.Request.Protocol}");
        });
        await using var gateway = await GatewayFixture.StartAsync(g =>
        {
            g.WriteFile("upstreams.yaml", RouteYaml.Upstream("sink", backend.Port));
            g.WriteFile("vs.yaml", RouteYaml.VirtualService("vs", RouteYaml.Route("prefix: /upload", "sink")));
        });

        var payload = new byte[1024 * 1024];
        new Random(20240601).NextBytes(payload);
        var expected = $"{payload.Length} {Convert.ToHexString(SHA256.HashData(payload))} HTTP/1.1";

        foreach (var version in new[] { HttpVersion.Version11, HttpVersion.Version20 })
        {
            using var client = gateway.CreateClient(version);

            // With a Content-Length.
            var sized = await client.SendAsync("/upload", method: HttpMethod.Post, content: new ByteArrayContent(payload));
            Assert.Equal(HttpStatusCode.OK, sized.Status);
            Assert.Equal(version, sized.Version);
            Assert.Equal(expected, sized.Body);

            // Without one (chunked over HTTP/1.1, plain DATA frames over h2c).
            var streamed = await client.SendAsync("/upload", method: HttpMethod.Put, content: new StreamContent(new UnsizedStream(payload)));
            Assert.Equal(HttpStatusCode.OK, streamed.Status);
            Assert.Equal(expected, streamed.Body);
        }

        Assert.Equal(4, backend.RequestCount);
    }

    [Fact]
    public async Task StreamedResponse_ArrivesIntact_AndIsNotBuffered()
    {
        // The backend sends its first part, then waits for the test to have read it before sending the rest: if the
        // gateway buffered the response, the first part would never arrive and the backend would give up.
        var firstPartSeen = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var backend = await TestBackend.StartAsync("streamer", async context =>
        {
            context.Response.ContentType = "text/plain";
            await context.Response.WriteAsync("part-0\n");
            await context.Response.Body.FlushAsync();
            await firstPartSeen.Task.WaitAsync(TimeSpan.FromSeconds(10));
            for (var i = 1; i < 5; i++)
            {
                await context.Response.WriteAsync($"part-{i}\n");
                await context.Response.Body.FlushAsync();
                await Task.Delay(20);
            }
        });
        await using var gateway = await GatewayFixture.StartAsync(g =>
        {
            g.WriteFile("upstreams.yaml", RouteYaml.Upstream("streamer", backend.Port));
            g.WriteFile("vs.yaml", RouteYaml.VirtualService("vs", RouteYaml.Route("prefix: /", "streamer")));
        });
        using var client = gateway.CreateClient();

        using var response = await client.GetAsync("/stream", HttpCompletionOption.ResponseHeadersRead);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.True(response.Headers.TransferEncodingChunked, "a response without a length is sent chunked");
        await using var body = await response.Content.ReadAsStreamAsync();
        using var reader = new StreamReader(body);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        Assert.Equal("part-0", await reader.ReadLineAsync(timeout.Token));
        firstPartSeen.SetResult();
        Assert.Equal("part-1\npart-2\npart-3\npart-4\n", await reader.ReadToEndAsync(timeout.Token));
    }

    /// <summary>A read-only stream over bytes that does not tell its length, so the client streams it.</summary>
    private sealed class UnsizedStream(byte[] data) : Stream
    {
        private int _position;

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => throw new NotSupportedException();

        public override long Position
        {
            get => throw new NotSupportedException();
            set => throw new NotSupportedException();
        }

        public override int Read(byte[] buffer, int offset, int count)
        {
            // Odd-sized reads, so the body crosses the wire in uneven pieces.
            var length = Math.Min(Math.Min(count, 7919), data.Length - _position);
            Array.Copy(data, _position, buffer, offset, length);
            _position += length;
            return length;
        }

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
