using System.Text.Json;
using Sluice.EndToEnd.Tests.Harness;
using Sluice.EndToEnd.Tests.Routing.Support;

namespace Sluice.EndToEnd.Tests.Routing;

/// <summary>
/// One normalized path for routing and for the forwarded request. Sent over a raw socket: HttpClient would resolve
/// dot segments and re-escape the target itself, and the gateway must be tested with the bytes an attacker sends.
/// </summary>
public sealed class PathNormalizationTests
{
    private static async Task<(BackendSet Backends, GatewayFixture Gateway)> StartAsync()
    {
        var backends = await BackendSet.StartAsync("public", "admin");
        var gateway = await GatewayFixture.StartAsync(g =>
        {
            g.WriteFile("upstreams.yaml", backends.UpstreamsYaml());
            g.WriteFile("vs.yaml", RouteYaml.VirtualService("vs",
                RouteYaml.Route("prefix: /admin", "admin") +
                RouteYaml.Route("prefix: /", "public")));
        });
        return (backends, gateway);
    }

    private static EchoResponse Echo(RawReply reply)
    {
        Assert.True(reply.Status == 200, $"expected 200 but got {reply.Status}: {reply.Body}");
        return JsonSerializer.Deserialize<EchoResponse>(reply.Body, EchoResponse.JsonOptions)!;
    }

    [Theory]
    [InlineData("/a/../admin/users", "/admin/users", "admin")]
    [InlineData("//admin/users", "/admin/users", "admin")]
    [InlineData("/./admin/./users", "/admin/users", "admin")]
    [InlineData("/public/%2e%2e/admin/users", "/admin/users", "admin")]
    [InlineData("/public/../admin/../public/x", "/public/x", "public")]

    // As Envoy: dot segments first (RFC 3986, where ".." removes the empty segment), then slashes merged.
    [InlineData("/x//..//admin///users", "/x/admin/users", "public")]
    public async Task DotSegmentsAndDoubleSlashes_RouteAndForwardAsTheNormalPath(string target, string normal, string backend)
    {
        var (backends, gateway) = await StartAsync();
        await using var _ = backends;
        await using var __ = gateway;

        var reply = await RawHttp.GetAsync(gateway.HttpPort, target + "?q=1");
        var echo = Echo(reply);
        Assert.Equal(backend, echo.Backend);
        Assert.Equal(normal, echo.Path);
        Assert.Equal(normal + "?q=1", echo.RawTarget);
        Assert.Equal("?q=1", echo.Query);
        Assert.Equal(1, backends.TotalRequests);
    }

    [Theory]
    [InlineData("/public/..%2fadmin")]
    [InlineData("/public/..%2Fadmin")]
    [InlineData("/public%2F..%2F..%2Fadmin")]
    [InlineData("/public/..\\admin")]
    [InlineData("/public\\admin")]
    [InlineData("/public/..%5cadmin")]
    [InlineData("/public/..%5Cadmin")]
    public async Task EncodedSlashAndBackslash_Are400_AndNeverForwarded(string target)
    {
        var (backends, gateway) = await StartAsync();
        await using var _ = backends;
        await using var __ = gateway;

        var reply = await RawHttp.GetAsync(gateway.HttpPort, target);
        Assert.Equal(400, reply.Status);
        Assert.Equal(0, backends.TotalRequests);
    }

    [Fact]
    public async Task PercentEscapes_AreDecodedOnce_SoTheBackendSeesThePathThatWasRouted()
    {
        // "%252e" is an escaped "%2e": the gateway routes "/public/%2e%2e/admin" (under /public). If it forwarded that
        // decoded text unescaped, the backend would decode "%2e%2e" again and serve "/admin": a policy bypass.
        var (backends, gateway) = await StartAsync();
        await using var _ = backends;
        await using var __ = gateway;

        var reply = await RawHttp.GetAsync(gateway.HttpPort, "/public/%252e%252e/admin");
        var echo = Echo(reply);
        Assert.Equal("public", echo.Backend);
        Assert.Equal("/public/%2e%2e/admin", echo.Path);
        Assert.Equal(0, backends["admin"].RequestCount);

        var space = Echo(await RawHttp.GetAsync(gateway.HttpPort, "/public/a%20b"));
        Assert.Equal("/public/a b", space.Path);
        Assert.Equal("/public/a%20b", space.RawTarget);
    }
}
