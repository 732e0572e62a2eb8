using System.Net;
using System.Net.Sockets;
using System.Text;
using Sluice.Discovery.Model;
using Sluice.Gateway.DataPlane;
using Sluice.Gateway.Upstreams;
using Sluice.Gateway.Upstreams.HealthChecking;

namespace Sluice.Gateway.Tests.Upstreams.HealthChecking;

/// <summary>One check against a real socket on loopback: HTTP statuses, timeouts, refused connections, TCP connect.</summary>
public sealed class HealthCheckProbeTests
{
    [Theory]
    [InlineData("200 OK", "Healthy")]
    [InlineData("503 Service Unavailable", "UnexpectedStatus")]
    public async Task Http_StatusDecides(string status, string expected)
    {
        using var listener = Listen();
        var requestText = ServeOnce(listener, $"HTTP/1.1 {status}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");
        using var probe = new HealthCheckProbe(Policy(http: "/healthz"), TimeProvider.System);

        var (result, _) = await probe.CheckAsync(Endpoint(listener), CancellationToken.None);

        Assert.Equal(expected, result.ToString());
        var request = await requestText;
        Assert.StartsWith("GET /healthz HTTP/1.1\r\n", request, StringComparison.Ordinal);
        Assert.Contains("User-Agent: Envoy/HC", request, StringComparison.OrdinalIgnoreCase);
        Assert.Contains($"Host: 127.0.0.1:{((IPEndPoint)listener.LocalEndpoint).Port}", request, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task Http_NoAnswerWithinTheTimeout_IsATimeout()
    {
        using var listener = Listen();
        // The accepted socket is held until the end: a socket nobody references can be finalized and closed by a
        // GC mid-test, which the probe rightly reports as a network error instead of a timeout.
        var silentPeer = listener.AcceptSocketAsync();
        using var probe = new HealthCheckProbe(Policy(http: "/healthz", timeout: TimeSpan.FromMilliseconds(200)), TimeProvider.System);

        var (result, _) = await probe.CheckAsync(Endpoint(listener), CancellationToken.None);

        Assert.Equal(HealthCheckResult.Timeout, result);
        (await silentPeer).Dispose();
    }

    [Fact]
    public async Task RefusedConnection_IsANetworkError()
    {
        int port;
        using (var closed = Listen())
        {
            port = ((IPEndPoint)closed.LocalEndpoint).Port;
        }

        using var http = new HealthCheckProbe(Policy(http: "/healthz"), TimeProvider.System);
        using var tcp = new HealthCheckProbe(Policy(http: null), TimeProvider.System);
        var endpoint = new UpstreamEndpoint($"http://127.0.0.1:{port}/", new HttpMessageInvoker(new SocketsHttpHandler())) { Address = $"127.0.0.1:{port}" };

        Assert.Equal(HealthCheckResult.NetworkError, (await http.CheckAsync(endpoint, CancellationToken.None)).Result);
        Assert.Equal(HealthCheckResult.NetworkError, (await tcp.CheckAsync(endpoint, CancellationToken.None)).Result);
    }

    [Fact]
    public async Task Tcp_AConnectionThatOpens_IsHealthy()
    {
        using var listener = Listen();
        var peer = listener.AcceptSocketAsync();
        using var probe = new HealthCheckProbe(Policy(http: null), TimeProvider.System);

        Assert.Equal(HealthCheckResult.Healthy, (await probe.CheckAsync(Endpoint(listener), CancellationToken.None)).Result);
        (await peer).Dispose();
    }

    [Fact]
    public async Task Checker_RoundMarksEndpoints()
    {
        using var healthy = Listen();
        using var sick = Listen();
        _ = ServeOnce(healthy, "HTTP/1.1 200 OK\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");
        _ = ServeOnce(sick, "HTTP/1.1 500 Oops\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");
        var state = new UpstreamState("u");
        UpstreamEndpoint[] endpoints = [Endpoint(healthy) with { State = state.Endpoint("a", 0) }, Endpoint(sick) with { State = state.Endpoint("b", 0) }];
        var cluster = TestUpstream.Cluster(endpoints, state);
        await using var checker = new ActiveHealthChecker(cluster, Policy(http: "/healthz"));

        await checker.CheckAllAsync(CancellationToken.None);

        Assert.False(endpoints[0].State.IsUnhealthy);
        Assert.True(endpoints[0].State.IsHealthVerified);
        Assert.True(endpoints[1].State.IsUnhealthy);
        Assert.Same(endpoints[0], Assert.Single(cluster.CurrentSelection().Candidates));
    }

    private static HealthCheckPolicy Policy(string? http, TimeSpan? timeout = null) => new(new HealthCheck
    {
        // Generous: a loaded CI machine can take seconds to JIT and connect the first probe; only the timeout test is tight.
        Timeout = timeout ?? TimeSpan.FromSeconds(15),
        Interval = TimeSpan.FromSeconds(1),
        UnhealthyThreshold = 2,
        HealthyThreshold = 2,
        HttpHealthCheck = http is null ? null : new HttpHealthCheck { Path = http },
        TcpHealthCheck = http is null ? new TcpHealthCheck() : null,
    });

    private static TcpListener Listen()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return listener;
    }

    private static UpstreamEndpoint Endpoint(TcpListener listener)
    {
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        return new UpstreamEndpoint($"http://127.0.0.1:{port}/", new HttpMessageInvoker(new SocketsHttpHandler())) { Address = $"127.0.0.1:{port}" };
    }

    /// <summary>Accepts one connection, reads the request head, answers <paramref name="response"/>; returns the request text.</summary>
    private static async Task<string> ServeOnce(TcpListener listener, string response)
    {
        using var socket = await listener.AcceptSocketAsync();
        var buffer = new byte[4096];
        var text = new StringBuilder();
        while (!text.ToString().Contains("\r\n\r\n", StringComparison.Ordinal))
        {
            var read = await socket.ReceiveAsync(buffer);
            if (read == 0)
            {
                break;
            }

            text.Append(Encoding.ASCII.GetString(buffer, 0, read));
        }

        await socket.SendAsync(Encoding.ASCII.GetBytes(response));
        socket.Shutdown(SocketShutdown.Both);
        return text.ToString();
    }
}
