using System.Net;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Sluice.EndToEnd.Tests.Harness;

namespace Sluice.EndToEnd.Tests.Telemetry;

[Collection(TelemetryCollection.Name)]
public sealed class AccessLogTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("sluice-access-").FullName;

    private string AllLog => Path.Combine(_directory, "access.log");

    private string ErrorLog => Path.Combine(_directory, "errors.log");

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact]
    public async Task NormalRequest_WritesOneJsonLineWithEnvoysFields()
    {
        await using var backend = await TestBackend.StartAsync("app", context => context.Response.WriteAsync("hello"));
        await using var gateway = await StartAsync(backend.Port, closedPort: FreePort.Next());
        using var client = gateway.CreateClient();

        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/items?page=2") { Content = new StringContent("0123456789") };
        request.Headers.UserAgent.ParseAdd("telemetry-test/1.0");
        request.Headers.Add("x-request-id", "req-42");
        request.Headers.Add("traceparent", "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01");
        Assert.Equal(HttpStatusCode.OK, (await client.SendAsync(request)).StatusCode);

        var line = Assert.Single(await ReadLinesAsync(AllLog, 1));
        Assert.Equal("POST", line.GetProperty("method").GetString());
        Assert.Equal("/api/items?page=2", line.GetProperty("path").GetString());
        Assert.Equal("HTTP/1.1", line.GetProperty("protocol").GetString());
        Assert.Equal(200, line.GetProperty("status").GetInt32());
        Assert.Equal("-", line.GetProperty("response_flags").GetString());
        Assert.Equal(10, line.GetProperty("bytes_received").GetInt64());
        Assert.Equal(5, line.GetProperty("bytes_sent").GetInt64());
        Assert.True(line.GetProperty("duration_ms").GetDouble() > 0);
        Assert.Equal($"127.0.0.1:{backend.Port}", line.GetProperty("upstream_host").GetString());
        Assert.Equal("default/app", line.GetProperty("upstream_cluster").GetString());
        Assert.True(line.GetProperty("upstream_service_time_ms").GetDouble() > 0);
        Assert.Equal("api", line.GetProperty("route").GetString());
        Assert.Equal(1, line.GetProperty("upstream_attempts").GetInt32());
        Assert.Equal("default/vs", line.GetProperty("virtual_host").GetString());
        Assert.Equal("4bf92f3577b34da6a3ce929d0e0e4736", line.GetProperty("trace_id").GetString());
        Assert.Equal("127.0.0.1", line.GetProperty("client_address").GetString());
        Assert.Equal("telemetry-test/1.0", line.GetProperty("user_agent").GetString());
        Assert.Equal("req-42", line.GetProperty("request_id").GetString());
        Assert.True(DateTime.UtcNow - line.GetProperty("start_time").GetDateTime().ToUniversalTime() < TimeSpan.FromMinutes(1));

        // The status filter (>= 400) kept nothing of it.
        await Task.Delay(200);
        Assert.False(File.Exists(ErrorLog) && File.ReadAllText(ErrorLog).Length > 0);
    }

    [Fact]
    public async Task ChunkedBodies_AreCountedAsTheyPass()
    {
        await using var backend = await TestBackend.StartAsync("app", async context =>
        {
            var read = await new StreamReader(context.Request.Body).ReadToEndAsync();
            await context.Response.WriteAsync($"got {read.Length} bytes");
            await context.Response.WriteAsync(new string('x', 500));
        });
        await using var gateway = await StartAsync(backend.Port, closedPort: FreePort.Next());
        using var client = gateway.CreateClient();

        // No length on either side: the request goes chunked, and so does the backend's two-write response.
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/upload") { Content = new StreamContent(new MemoryStream(new byte[1000])) };
        request.Headers.TransferEncodingChunked = true;
        using var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        Assert.True(response.Headers.TransferEncodingChunked);
        var body = await response.Content.ReadAsStringAsync();
        Assert.StartsWith("got 1000 bytes", body);

        var line = Assert.Single(await ReadLinesAsync(AllLog, 1));
        Assert.Equal(1000, line.GetProperty("bytes_received").GetInt64());
        Assert.Equal(body.Length, line.GetProperty("bytes_sent").GetInt64());
    }

    [Fact]
    public async Task NoRoute_RefusedUpstream_AndStatusFilter()
    {
        await using var backend = await TestBackend.StartAsync("app", context => context.Response.WriteAsync("hello"));
        await using var gateway = await StartAsync(backend.Port, closedPort: FreePort.Next());
        using var client = gateway.CreateClient();

        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync("/nothing/here")).StatusCode);
        Assert.Equal(HttpStatusCode.BadGateway, (await client.GetAsync("/gone")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/api/fine")).StatusCode);

        var lines = await ReadLinesAsync(AllLog, 3);
        var noRoute = lines.Single(l => l.GetProperty("path").GetString() == "/nothing/here");
        Assert.Equal(404, noRoute.GetProperty("status").GetInt32());
        Assert.Equal("NR", noRoute.GetProperty("response_flags").GetString());
        Assert.Equal(string.Empty, noRoute.GetProperty("route").GetString());
        Assert.Equal(JsonValueKind.Null, noRoute.GetProperty("upstream_host").ValueKind);

        var refused = lines.Single(l => l.GetProperty("path").GetString() == "/gone");
        Assert.Equal(502, refused.GetProperty("status").GetInt32());
        Assert.Equal("UF", refused.GetProperty("response_flags").GetString());
        Assert.Equal("gone", refused.GetProperty("route").GetString());
        Assert.Equal(1, refused.GetProperty("upstream_attempts").GetInt32());
        Assert.Equal(JsonValueKind.Null, refused.GetProperty("upstream_service_time_ms").ValueKind);

        // The second log keeps status >= 400 only, in Gloo's stringFormat.
        var errors = await ReadTextLinesAsync(ErrorLog, 2);
        Assert.Equal(2, errors.Length);
        Assert.Contains("GET /nothing/here 404 NR route=", errors);
        Assert.Contains("GET /gone 502 UF route=gone", errors);
    }

    [Fact]
    public async Task NoHealthyUpstream_IsFlaggedUH()
    {
        await using var backend = await TestBackend.StartAsync("app", context => context.Response.WriteAsync("hello"));
        await using var gateway = await GatewayFixture.StartAsync(
            g =>
            {
                g.WriteFile("gateway.yaml", TelemetryYaml.Gateway(g.HttpPort, AccessLogOptions()));
                g.WriteFile("upstreams.yaml", TelemetryYaml.Upstream("app", backend.Port, "circuitBreakers: {maxConnections: 1}") + "---\n" +
                    TelemetryYaml.Upstream("empty", backend.Port).Replace($"      - addr: 127.0.0.1\n        port: {backend.Port}\n", string.Empty).Replace("hosts:\n", "hosts: []\n"));
                g.WriteFile("vs.yaml", TelemetryYaml.VirtualService(TelemetryYaml.Route("empty", "/empty", "empty")));
            },
            defaultGateways: false);
        using var client = gateway.CreateClient();

        Assert.Equal(HttpStatusCode.ServiceUnavailable, (await client.GetAsync("/empty")).StatusCode);
        var line = Assert.Single(await ReadLinesAsync(AllLog, 1));
        Assert.Equal("UH", line.GetProperty("response_flags").GetString());
    }

    [Fact]
    public async Task InjectedFault_RateLimit_AndAuthRefusal_CarryTheirFlags()
    {
        await using var backend = await TestBackend.StartAsync("app", context => context.Response.WriteAsync("hello"));
        await using var gateway = await GatewayFixture.StartAsync(
            g =>
            {
                g.WriteFile("gateway.yaml", TelemetryYaml.Gateway(g.HttpPort, AccessLogOptions()));
                g.WriteFile("upstreams.yaml", TelemetryYaml.Upstream("app", backend.Port));
                g.WriteFile("authconfig.yaml", """
                    apiVersion: gateway.sluice.dev/v1
                    kind: AuthConfig
                    metadata: { name: users, namespace: default }
                    spec:
                      configs:
                        - basicAuth:
                            realm: shop
                            apr:
                              users:
                                alice: { salt: "TYiryv0/", hashedPassword: "8BvzLUO9IfGPGGsPnAgSu1" }
                    """);
                g.WriteFile("vs.yaml", TelemetryYaml.VirtualService(
                    TelemetryYaml.Route("fault", "/fault", "app", "faults: { abort: { percentage: 100, httpStatus: 503 } }\n") +
                    TelemetryYaml.Route("limited", "/limited", "app", "httpLocalRatelimit: { defaultLimit: { maxTokens: 1, tokensPerFill: 1, fillInterval: 1h } }\n") +
                    TelemetryYaml.Route("guarded", "/guarded", "app", "extauth: { configRef: { name: users, namespace: default } }\n")));
            },
            defaultGateways: false);
        using var client = gateway.CreateClient();

        Assert.Equal(HttpStatusCode.ServiceUnavailable, (await client.GetAsync("/fault")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/limited")).StatusCode);
        Assert.Equal(HttpStatusCode.TooManyRequests, (await client.GetAsync("/limited")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await client.GetAsync("/guarded")).StatusCode);

        var flags = (await ReadLinesAsync(AllLog, 4)).ToDictionary(l => l.GetProperty("status").GetInt32() + " " + l.GetProperty("route").GetString(), l => l.GetProperty("response_flags").GetString());
        Assert.Equal("FI", flags["503 fault"]);
        Assert.Equal("RL", flags["429 limited"]);
        Assert.Equal("UAEX", flags["401 guarded"]);
    }

    [Fact]
    public async Task ClientThatDisconnects_IsFlaggedDC()
    {
        var release = new TaskCompletionSource();
        await using var backend = await TestBackend.StartAsync("slow", async context =>
        {
            await context.Response.WriteAsync("partial");
            await context.Response.Body.FlushAsync();
            await Task.WhenAny(release.Task, Task.Delay(TimeSpan.FromSeconds(10), context.RequestAborted)).ContinueWith(_ => { });
        });
        await using var gateway = await StartAsync(backend.Port, closedPort: FreePort.Next());
        using var client = gateway.CreateClient();

        using (var response = await client.GetAsync("/api/slow", HttpCompletionOption.ResponseHeadersRead))
        {
            await using var body = await response.Content.ReadAsStreamAsync();
            var buffer = new byte[7];
            await body.ReadAtLeastAsync(buffer, 7);
        }

        // Disposing the response mid-body closes the client's connection.
        client.Dispose();
        var line = Assert.Single(await ReadLinesAsync(AllLog, 1));
        release.TrySetResult();
        Assert.Contains("DC", line.GetProperty("response_flags").GetString()!.Split(','));
        Assert.Equal("/api/slow", line.GetProperty("path").GetString());
    }

    [Fact]
    public async Task RouteWithAccessLogDisabled_WritesNothing_ButOthersStillLog()
    {
        await using var backend = await TestBackend.StartAsync("app", context => context.Response.WriteAsync("hello"));
        await using var gateway = await GatewayFixture.StartAsync(
            g =>
            {
                g.WriteFile("gateway.yaml", TelemetryYaml.Gateway(g.HttpPort, AccessLogOptions()));
                g.WriteFile("upstreams.yaml", TelemetryYaml.Upstream("app", backend.Port));
                g.WriteFile("vs.yaml", TelemetryYaml.VirtualService(
                    TelemetryYaml.Route("health", "/health", "app", "accessLog: {disabled: true}") +
                    TelemetryYaml.Route("api", "/api", "app")));
            },
            defaultGateways: false);
        using var client = gateway.CreateClient();

        for (var i = 0; i < 5; i++)
        {
            Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/health")).StatusCode);
        }

        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/api/after")).StatusCode);

        // The line of the request sent last is there, so the five before it would be too.
        var line = Assert.Single(await ReadLinesAsync(AllLog, 1));
        Assert.Equal("/api/after", line.GetProperty("path").GetString());
        await Task.Delay(200);
        Assert.Single(File.ReadAllLines(AllLog));
    }

    private string AccessLogOptions() => $$"""
        accessLoggingService:
          accessLog:
            - fileSink:
                path: {{AllLog}}
            - fileSink:
                path: {{ErrorLog}}
                stringFormat: "%REQ(:METHOD)% %REQ(X-ENVOY-ORIGINAL-PATH?:PATH)% %RESPONSE_CODE% %RESPONSE_FLAGS% route=%ROUTE_NAME%\n"
              filter:
                statusCodeFilter:
                  comparison:
                    op: GE
                    value: {defaultValue: 400, runtimeKey: access_log.min_status}
        """;

    private Task<GatewayFixture> StartAsync(int backendPort, int closedPort) => GatewayFixture.StartAsync(
        g =>
        {
            g.WriteFile("gateway.yaml", TelemetryYaml.Gateway(g.HttpPort, AccessLogOptions()));
            g.WriteFile("upstreams.yaml", TelemetryYaml.Upstream("app", backendPort) + "---\n" + TelemetryYaml.Upstream("gone", closedPort));
            g.WriteFile("vs.yaml", TelemetryYaml.VirtualService(
                TelemetryYaml.Route("api", "/api", "app") +
                TelemetryYaml.Route("gone", "/gone", "gone")));
        },
        defaultGateways: false);

    private static async Task<JsonElement[]> ReadLinesAsync(string path, int expected)
    {
        var lines = await ReadTextLinesAsync(path, expected);
        return [.. lines.Select(l => JsonDocument.Parse(l).RootElement.Clone())];
    }

    /// <summary>Waits until the background writer wrote at least <paramref name="expected"/> lines (it never blocks requests).</summary>
    private static async Task<string[]> ReadTextLinesAsync(string path, int expected)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        while (true)
        {
            var lines = File.Exists(path) ? File.ReadAllLines(path).Where(l => l.Length > 0).ToArray() : [];
            if (lines.Length >= expected || DateTime.UtcNow > deadline)
            {
                return lines;
            }

            await Task.Delay(25);
        }
    }
}
