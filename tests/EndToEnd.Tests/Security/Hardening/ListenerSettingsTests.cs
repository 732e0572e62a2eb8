using System.Net;
using System.Text.Json;
using Sluice.EndToEnd.Tests.Harness;
using Sluice.EndToEnd.Tests.Security.Hostile;

namespace Sluice.EndToEnd.Tests.Security.Hardening;

/// <summary>httpConnectionManagerSettings change what the real gateway does with client addresses and odd requests.</summary>
public sealed class ListenerSettingsTests
{
    private static async Task<(GatewayFixture Gateway, TestBackend Backend)> StartAsync(string settings)
    {
        var backend = await TestBackend.StartAsync("app");
        var gateway = await GatewayFixture.StartAsync(g =>
        {
            g.WriteFile("gateway.yaml", $"""
                apiVersion: gateway.sluice.dev/v1
                kind: Gateway
                metadata: {"{"} name: edge {"}"}
                spec:
                  bindAddress: 127.0.0.1
                  bindPort: {g.HttpPort}
                  httpGateway:
                    options:
                      httpConnectionManagerSettings:
                {settings}
                """);
            g.WriteFile("upstream.yaml", Yaml.Upstream("app", backend.Port));
            g.WriteFile("vs.yaml", Yaml.VirtualService("edge", Yaml.PrefixRoute("/", "app")));
        }, defaultGateways: false);
        return (gateway, backend);
    }

    private static async Task<JsonElement> EchoAsync(GatewayFixture gateway, string path, params (string Name, string Value)[] headers)
    {
        using var client = gateway.CreateClient();
        using var request = new HttpRequestMessage(HttpMethod.Get, $"http://127.0.0.1:{gateway.HttpPort}{path}");
        foreach (var (name, value) in headers)
        {
            request.Headers.TryAddWithoutValidation(name, value);
        }

        using var response = await client.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.Clone();
    }

    [Fact]
    public async Task TrustedProxies_KeepTheChainAndAppendThePeer()
    {
        var (gateway, backend) = await StartAsync("            trustedProxies: [127.0.0.0/8]\n            headersWithUnderscoresAction: DROP_HEADER\n");
        await using var gatewayScope = gateway;
        await using var backendScope = backend;

        var echo = await EchoAsync(gateway, "/x", ("X-Forwarded-For", "203.0.113.7"), ("X-Forwarded-Proto", "https"), ("X_Role", "admin"));

        Assert.Equal("203.0.113.7, 127.0.0.1", echo.GetProperty("headers").GetProperty("x-forwarded-for").GetString());
        Assert.Equal("https", echo.GetProperty("headers").GetProperty("x-forwarded-proto").GetString());
        Assert.False(echo.GetProperty("headers").TryGetProperty("x_role", out _), "DROP_HEADER forwards the request without the underscore header");
    }

    [Fact]
    public async Task EscapedSlashes_UnescapeAndForward_RoutesOnTheDecodedPath()
    {
        var (gateway, backend) = await StartAsync("            pathWithEscapedSlashesAction: UNESCAPE_AND_FORWARD\n");
        await using var gatewayScope = gateway;
        await using var backendScope = backend;

        var reply = await WireClient.SendAsync(gateway.HttpPort, "GET /a%2Fb/..%2fc HTTP/1.1\r\nHost: x\r\n\r\n");

        Assert.Equal([200], reply.Statuses);
        Assert.Contains("\"path\":\"/a/c\"", reply.Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task EscapedSlashes_UnescapeAndRedirect_SendsTheClientToTheDecodedPath()
    {
        var (gateway, backend) = await StartAsync("            pathWithEscapedSlashesAction: UNESCAPE_AND_REDIRECT\n");
        await using var gatewayScope = gateway;
        await using var backendScope = backend;

        var reply = await WireClient.SendAsync(gateway.HttpPort, "GET /a%2Fb?q=1 HTTP/1.1\r\nHost: x\r\n\r\n");

        Assert.Equal([307], reply.Statuses);
        Assert.Contains("Location: /a/b?q=1\r\n", reply.Text, StringComparison.Ordinal);
        Assert.Equal(0, backend.RequestCount);
    }
}
