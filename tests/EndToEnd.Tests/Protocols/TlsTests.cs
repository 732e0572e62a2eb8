using System.Net;
using System.Net.Http.Json;
using Sluice.EndToEnd.Tests.Harness;
using Sluice.EndToEnd.Tests.Protocols.Support;
using Sluice.EndToEnd.Tests.Routing.Support;

namespace Sluice.EndToEnd.Tests.Protocols;

/// <summary>The HTTPS Gateway: certificates from a VirtualService's <c>sslConfig</c>, chosen by SNI, HTTP/2 by ALPN.</summary>
public sealed class TlsTests
{
    /// <summary>A TLS VirtualService serving <paramref name="domain"/> with a certificate issued for it.</summary>
    private static string TlsVirtualService(GatewayFixture g, TestCertificates ca, string name, string domain, string upstream, string routesBefore = "")
    {
        var directory = Path.Combine(Path.GetDirectoryName(g.ConfigDirectory)!, "certs", name);
        var (certPath, keyPath, _) = ca.IssueServer(directory, domain);
        return RouteYaml.VirtualService(name, routesBefore + RouteYaml.Route("prefix: /", upstream), [domain], sslConfig: $"""
            sslFiles:
              tlsCert: {certPath}
              tlsKey: {keyPath}
            sniDomains: ['{domain}']
            """);
    }

    private static async Task<EchoResponse> GetEchoAsync(TlsClient tls, string host, string pathAndQuery)
    {
        using var response = await tls.Client.GetAsync(tls.Url(host, pathAndQuery));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(tls.Client.DefaultRequestVersion, response.Version);
        return (await response.Content.ReadFromJsonAsync<EchoResponse>(EchoResponse.JsonOptions))!;
    }

    [Fact]
    public async Task Https_NegotiatesHttp2ByAlpn_AndHttp11WhenAsked()
    {
        var ca = TestCertificates.CreateAuthority();
        await using var backends = await BackendSet.StartAsync("secure");
        await using var gateway = await GatewayFixture.StartAsync(g =>
        {
            g.WriteFile("upstreams.yaml", backends.UpstreamsYaml());
            g.WriteFile("vs.yaml", TlsVirtualService(g, ca, "secure", "secure.example.com", "secure", routesBefore: """
                - matchers: [{exact: /moved}]
                  redirectAction: {pathRedirect: /new}

                """));
        });

        using (var h2 = new TlsClient(ca, gateway.HttpsPort, HttpVersion.Version20))
        {
            var echo = await GetEchoAsync(h2, "secure.example.com", "/orders/1?full=1");
            Assert.Equal("secure", echo.Backend);
            Assert.Equal("/orders/1", echo.Path);
            Assert.Equal("?full=1", echo.Query);
            Assert.Equal($"secure.example.com:{gateway.HttpsPort}", echo.Host);
            Assert.Equal("https", echo.Headers["x-forwarded-proto"]);
            Assert.Equal("CN=secure.example.com", h2.ServedSubject);

            // A redirect on the TLS listener stays https and keeps the request's port.
            using var moved = await h2.Client.GetAsync(h2.Url("secure.example.com", "/moved?a=1"));
            Assert.Equal(HttpStatusCode.MovedPermanently, moved.StatusCode);
            Assert.Equal($"https://secure.example.com:{gateway.HttpsPort}/new?a=1", moved.Headers.Location?.OriginalString);
        }

        using (var http11 = new TlsClient(ca, gateway.HttpsPort, HttpVersion.Version11))
        {
            var echo = await GetEchoAsync(http11, "secure.example.com", "/h1");
            Assert.Equal("/h1", echo.Path);
            Assert.Equal("https", echo.Headers["x-forwarded-proto"]);
        }

        // The plain listener does not serve the TLS virtual service.
        using var plain = gateway.CreateClient();
        Assert.Equal(HttpStatusCode.NotFound, (await plain.SendAsync("/orders/1", host: "secure.example.com")).Status);
        Assert.Equal(2, backends["secure"].RequestCount);
    }

    [Fact]
    public async Task Sni_PicksTheCertificateOfTheMatchingVirtualService()
    {
        var ca = TestCertificates.CreateAuthority();
        await using var backends = await BackendSet.StartAsync("one", "two");
        await using var gateway = await GatewayFixture.StartAsync(g =>
        {
            g.WriteFile("upstreams.yaml", backends.UpstreamsYaml());
            g.WriteFile("vs-one.yaml", TlsVirtualService(g, ca, "one", "one.example.com", "one"));
            g.WriteFile("vs-two.yaml", TlsVirtualService(g, ca, "two", "two.example.com", "two"));
        });

        foreach (var (host, backend) in new[] { ("one.example.com", "one"), ("two.example.com", "two"), ("one.example.com", "one") })
        {
            // A new client per request, so every request makes its own handshake.
            using var tls = new TlsClient(ca, gateway.HttpsPort, HttpVersion.Version20);
            var echo = await GetEchoAsync(tls, host, "/who");
            Assert.Equal($"CN={host}", tls.ServedSubject);
            Assert.Equal(System.Net.Security.SslPolicyErrors.None, tls.ServedErrors & System.Net.Security.SslPolicyErrors.RemoteCertificateNameMismatch);
            Assert.Equal(backend, echo.Backend);
            Assert.Equal($"{host}:{gateway.HttpsPort}", echo.Host);
        }

        Assert.Equal(2, backends["one"].RequestCount);
        Assert.Equal(1, backends["two"].RequestCount);
    }
}
