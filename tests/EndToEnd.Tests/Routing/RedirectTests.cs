using System.Net;
using Sluice.EndToEnd.Tests.Harness;
using Sluice.EndToEnd.Tests.Routing.Support;

namespace Sluice.EndToEnd.Tests.Routing;

/// <summary><c>redirectAction</c>: the Location is built as Envoy builds it, and the query is kept unless stripped.</summary>
public sealed class RedirectTests
{
    private static async Task<GatewayFixture> StartAsync(string routes) =>
        await GatewayFixture.StartAsync(g => g.WriteFile("vs.yaml", RouteYaml.VirtualService("vs", routes)));

    private static async Task<(HttpStatusCode Status, string? Location)> RedirectAsync(HttpClient client, string path, string host)
    {
        var reply = await client.SendAsync(path, host: host);
        return (reply.Status, reply.Headers.Location?.OriginalString);
    }

    [Fact]
    public async Task HostPathAndPrefixRedirects_KeepTheQueryByDefault()
    {
        await using var gateway = await StartAsync("""
            - matchers: [{prefix: /host}]
              redirectAction: {hostRedirect: new.example.com}
            - matchers: [{prefix: /path}]
              redirectAction: {pathRedirect: /landing}
            - matchers: [{prefix: /old/}]
              redirectAction: {prefixRewrite: /new/}
            - matchers: [{prefix: /strip}]
              redirectAction: {pathRedirect: /clean, stripQuery: true}
            - matchers: [{prefix: /own-query}]
              redirectAction: {pathRedirect: '/search?q=fixed'}
            - matchers: [{prefix: /keep-own}]
              redirectAction: {pathRedirect: '/search?q=kept', stripQuery: true}
            """);
        using var client = gateway.CreateClient();
        var host = $"example.com:{gateway.HttpPort}";

        // hostRedirect replaces host and port (Envoy); path and query stay.
        Assert.Equal((HttpStatusCode.MovedPermanently, "http://new.example.com/host/a?x=1&y=2"), await RedirectAsync(client, "/host/a?x=1&y=2", host));

        // pathRedirect replaces the whole path; the request's host and port stay.
        Assert.Equal((HttpStatusCode.MovedPermanently, $"http://example.com:{gateway.HttpPort}/landing?x=1"), await RedirectAsync(client, "/path/deep?x=1", host));

        // prefixRewrite replaces only the matched prefix.
        Assert.Equal((HttpStatusCode.MovedPermanently, $"http://example.com:{gateway.HttpPort}/new/docs/page?v=2"), await RedirectAsync(client, "/old/docs/page?v=2", host));

        Assert.Equal((HttpStatusCode.MovedPermanently, $"http://example.com:{gateway.HttpPort}/clean"), await RedirectAsync(client, "/strip?secret=1", host));

        // A pathRedirect with its own query replaces the request's query.
        Assert.Equal((HttpStatusCode.MovedPermanently, $"http://example.com:{gateway.HttpPort}/search?q=fixed"), await RedirectAsync(client, "/own-query?q=mine", host));
        Assert.Equal((HttpStatusCode.MovedPermanently, $"http://example.com:{gateway.HttpPort}/search?q=fixed"), await RedirectAsync(client, "/own-query", host));
        Assert.Equal((HttpStatusCode.MovedPermanently, $"http://example.com:{gateway.HttpPort}/search?q=kept"), await RedirectAsync(client, "/keep-own?q=mine", host));
    }

    [Fact]
    public async Task HttpsRedirect_SwitchesScheme_KeepsANonDefaultPortAsEnvoy_PortRedirectSetsIt()
    {
        await using var gateway = await StartAsync("""
            - matchers: [{prefix: /secure-port}]
              redirectAction: {httpsRedirect: true, portRedirect: 8443}
            - matchers: [{prefix: /secure}]
              redirectAction: {httpsRedirect: true}
            - matchers: [{prefix: /port}]
              redirectAction: {portRedirect: 9090}
            - matchers: [{prefix: /both}]
              redirectAction: {hostRedirect: other.example.org, portRedirect: 8081, prefixRewrite: /}
            """);
        using var client = gateway.CreateClient();
        var host = $"shop.example.com:{gateway.HttpPort}";

        Assert.Equal((HttpStatusCode.MovedPermanently, $"https://{host}/secure/cart?id=3"), await RedirectAsync(client, "/secure/cart?id=3", host));
        Assert.Equal((HttpStatusCode.MovedPermanently, "https://shop.example.com/secure?id=3"), await RedirectAsync(client, "/secure?id=3", "shop.example.com"));
        Assert.Equal((HttpStatusCode.MovedPermanently, "https://shop.example.com/secure?id=3"), await RedirectAsync(client, "/secure?id=3", "shop.example.com:80"));
        Assert.Equal((HttpStatusCode.MovedPermanently, "https://shop.example.com:8443/secure-port?id=3"), await RedirectAsync(client, "/secure-port?id=3", host));
        Assert.Equal((HttpStatusCode.MovedPermanently, "http://shop.example.com:9090/port/x?id=3"), await RedirectAsync(client, "/port/x?id=3", host));
        Assert.Equal((HttpStatusCode.MovedPermanently, "http://other.example.org:8081/x?id=3"), await RedirectAsync(client, "/both/x?id=3", host));
    }

    [Fact]
    public async Task ResponseCode_PicksTheRedirectStatus()
    {
        await using var gateway = await StartAsync("""
            - matchers: [{exact: /default}]
              redirectAction: {pathRedirect: /to}
            - matchers: [{exact: /301}]
              redirectAction: {pathRedirect: /to, responseCode: MOVED_PERMANENTLY}
            - matchers: [{exact: /302}]
              redirectAction: {pathRedirect: /to, responseCode: FOUND}
            - matchers: [{exact: /303}]
              redirectAction: {pathRedirect: /to, responseCode: SEE_OTHER}
            - matchers: [{exact: /307}]
              redirectAction: {pathRedirect: /to, responseCode: TEMPORARY_REDIRECT}
            - matchers: [{exact: /308}]
              redirectAction: {pathRedirect: /to, responseCode: PERMANENT_REDIRECT}
            """);
        using var client = gateway.CreateClient();
        var expectedLocation = $"http://example.com:{gateway.HttpPort}/to";

        foreach (var (path, status) in new[] { ("/default", 301), ("/301", 301), ("/302", 302), ("/303", 303), ("/307", 307), ("/308", 308) })
        {
            Assert.Equal(((HttpStatusCode)status, expectedLocation), await RedirectAsync(client, path, $"example.com:{gateway.HttpPort}"));
        }

        Assert.Equal(HttpStatusCode.NotFound, (await client.SendAsync("/309")).Status);
    }
}
