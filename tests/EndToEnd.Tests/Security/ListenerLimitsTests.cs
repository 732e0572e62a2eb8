using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Sluice.EndToEnd.Tests.Harness;
using Sluice.EndToEnd.Tests.Security.Hostile;

namespace Sluice.EndToEnd.Tests.Security;

/// <summary>
/// The listener-level parts of <c>httpConnectionManagerSettings</c> reach the listener's server: header size and count,
/// the header-read timeout, HTTP/2 stream and window settings, and <c>maxConnections</c>; a reload changes them
/// without rebinding.
/// </summary>
public sealed class ListenerLimitsTests
{
    private static string GatewayYaml(int port, string settings) => $"""
        apiVersion: gateway.sluice.dev/v1
        kind: Gateway
        metadata: {"{"} name: edge {"}"}
        spec:
          bindAddress: 127.0.0.1
          bindPort: {port}
          httpGateway:
            options:
              httpConnectionManagerSettings:
        {Sluice.EndToEnd.Tests.Routing.Support.RouteYaml.Indent(settings, 8)}
        """;

    private static async Task<(GatewayFixture Gateway, TestBackend Backend)> StartAsync(string settings)
    {
        var backend = await TestBackend.StartAsync("app");
        var gateway = await GatewayFixture.StartAsync(g =>
        {
            g.WriteFile("gateway.yaml", GatewayYaml(g.HttpPort, settings));
            g.WriteFile("upstream.yaml", Yaml.Upstream("app", backend.Port));
            g.WriteFile("vs.yaml", Yaml.VirtualService("edge", Yaml.PrefixRoute("/", "app")));
        }, defaultGateways: false);
        return (gateway, backend);
    }

    private static string Request(int headers, int headerBytes = 0)
    {
        var builder = new StringBuilder("GET /a HTTP/1.1\r\nHost: x\r\n");
        for (var i = 0; i < headers; i++)
        {
            builder.Append("X-H").Append(i).Append(": v\r\n");
        }

        if (headerBytes > 0)
        {
            builder.Append("X-Big: ").Append('a', headerBytes).Append("\r\n");
        }

        return builder.Append("\r\n").ToString();
    }

    [Fact]
    public async Task HeaderSizeAndCount_FollowTheSettings_AndChangeOnReloadWithoutRebinding()
    {
        var (gateway, backend) = await StartAsync("maxRequestHeadersKb: 2\nmaxHeadersCount: 10\n");
        await using var gatewayScope = gateway;
        await using var backendScope = backend;

        Assert.Equal([200], (await WireClient.SendAsync(gateway.HttpPort, Request(3, 1024))).Statuses);
        Assert.Equal([431], (await WireClient.SendAsync(gateway.HttpPort, Request(3, 3 * 1024))).Statuses);
        Assert.Equal([431], (await WireClient.SendAsync(gateway.HttpPort, Request(20))).Statuses);

        await gateway.ApplyAsync(() => gateway.WriteFile("gateway.yaml", GatewayYaml(gateway.HttpPort, "maxRequestHeadersKb: 8\nmaxHeadersCount: 50\n")));
        Assert.Equal([200], (await WireClient.SendAsync(gateway.HttpPort, Request(20))).Statuses);
        Assert.Equal([200], (await WireClient.SendAsync(gateway.HttpPort, Request(3, 3 * 1024))).Statuses);
        Assert.Equal(3, backend.RequestCount);
    }

    [Fact]
    public async Task MaxConnections_RefusesTheConnectionOverTheCap_AndAcceptsAgainOnceOneCloses()
    {
        var (gateway, backend) = await StartAsync("maxConnections: 2\n");
        await using var gatewayScope = gateway;
        await using var backendScope = backend;

        using var first = await KeepAliveAsync(gateway.HttpPort);
        using var second = await KeepAliveAsync(gateway.HttpPort);

        var third = await WireClient.SendAsync(gateway.HttpPort, Request(0), quiet: TimeSpan.FromSeconds(5));
        Assert.True(third.Closed, $"the third connection should be closed: {third}");
        Assert.Empty(third.Statuses);

        first.Dispose();
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        RawExchange again;
        do
        {
            again = await WireClient.SendAsync(gateway.HttpPort, Request(0));
        }
        while (again.Statuses.Count == 0 && DateTime.UtcNow < deadline);

        Assert.Equal([200], again.Statuses);
    }

    [Fact]
    public async Task RequestHeadersTimeout_ClosesASlowClient()
    {
        var (gateway, backend) = await StartAsync("requestHeadersTimeout: 1s\n");
        await using var gatewayScope = gateway;
        await using var backendScope = backend;

        // Half a request head, then silence: answered 408 and closed; the default (10 s) would stay silent past 6 s.
        var slow = await WireClient.SendAsync(gateway.HttpPort, "GET /a HTTP/1.1\r\nHost: x\r\nX-Slow: ", quiet: TimeSpan.FromSeconds(6));
        Assert.Equal([408], slow.Statuses);
        Assert.Equal(0, backend.RequestCount);
    }

    [Fact]
    public async Task Http2Settings_AnnounceTheConfiguredStreamsAndWindow()
    {
        var (gateway, backend) = await StartAsync("http2ProtocolOptions: {maxConcurrentStreams: 7, initialStreamWindowSize: 131072, initialConnectionWindowSize: 1048576}\n");
        await using var gatewayScope = gateway;
        await using var backendScope = backend;

        var settings = await ReadServerSettingsAsync(gateway.HttpPort);
        Assert.Equal(7u, settings[0x3]);
        Assert.Equal(131072u, settings[0x4]);
    }

    /// <summary>A connection that has completed one request and stays open (keep-alive).</summary>
    private static async Task<Socket> KeepAliveAsync(int port)
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        await socket.ConnectAsync(IPAddress.Loopback, port);
        await socket.SendAsync(Encoding.ASCII.GetBytes(Request(0)), SocketFlags.None);
        var buffer = new byte[64 * 1024];
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        var read = await socket.ReceiveAsync(buffer, SocketFlags.None, timeout.Token);
        Assert.StartsWith("HTTP/1.1 200", Encoding.ASCII.GetString(buffer, 0, read));
        return socket;
    }

    /// <summary>Opens an h2c (prior knowledge) connection and returns the server's first SETTINGS frame.</summary>
    private static async Task<Dictionary<int, uint>> ReadServerSettingsAsync(int port)
    {
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        await socket.ConnectAsync(IPAddress.Loopback, port);
        var preface = Encoding.ASCII.GetBytes("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n");
        byte[] emptySettings = [0, 0, 0, 0x4, 0, 0, 0, 0, 0];
        await socket.SendAsync(preface.Concat(emptySettings).ToArray(), SocketFlags.None);

        var header = await ReadExactlyAsync(socket, 9);
        Assert.Equal(0x4, header[3]);
        var length = (header[0] << 16) | (header[1] << 8) | header[2];
        var payload = await ReadExactlyAsync(socket, length);
        var settings = new Dictionary<int, uint>();
        for (var i = 0; i + 6 <= payload.Length; i += 6)
        {
            settings[BinaryPrimitives.ReadUInt16BigEndian(payload.AsSpan(i))] = BinaryPrimitives.ReadUInt32BigEndian(payload.AsSpan(i + 2));
        }

        return settings;
    }

    private static async Task<byte[]> ReadExactlyAsync(Socket socket, int count)
    {
        var buffer = new byte[count];
        var read = 0;
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        while (read < count)
        {
            var n = await socket.ReceiveAsync(buffer.AsMemory(read), SocketFlags.None, timeout.Token);
            Assert.True(n > 0, "the server closed the HTTP/2 connection");
            read += n;
        }

        return buffer;
    }
}
