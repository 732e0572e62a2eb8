using System.Text.Json;
using Sluice.EndToEnd.Tests.Harness;
using Sluice.EndToEnd.Tests.Routing.Support;
using Sluice.EndToEnd.Tests.Security.Support;

namespace Sluice.EndToEnd.Tests.Security;

/// <summary>
/// Downstream mTLS: a root CA on a virtual service's sslConfig makes client certificates required and verified
/// (chain to that CA only, validity, optional SANs) per SNI name; a refused certificate fails the TLS handshake, as in
/// Envoy. The client's own <c>x-forwarded-client-cert</c> never reaches an upstream.
/// </summary>
public sealed class TlsClientCertificateTests
{
    private const string SpiffeFrontend = "spiffe://shop.example/frontend";

    private static string CertDirectory(GatewayFixture g, string name) => Path.Combine(Path.GetDirectoryName(g.ConfigDirectory)!, "certs", name);

    private static string Scratch(string name) => Path.Combine(Path.GetTempPath(), "sluice-mtls-" + Guid.NewGuid().ToString("N")[..8], name);

    [Fact]
    public async Task RootCa_RequiresAClientCertificateFromThatCa_ValidAndWithTheConfiguredSan()
    {
        var serverCa = TestCertificates.CreateAuthority("Server CA");
        var clientCa = TestCertificates.CreateAuthority("Client CA");
        var otherCa = TestCertificates.CreateAuthority("Other CA");
        var good = clientCa.IssueClient(Scratch("good"), "frontend", uris: [SpiffeFrontend]);
        var wrongCa = otherCa.IssueClient(Scratch("wrong-ca"), "frontend", uris: [SpiffeFrontend]);
        var expired = clientCa.IssueClient(Scratch("expired"), "frontend", uris: [SpiffeFrontend], notBefore: DateTimeOffset.UtcNow.AddDays(-10), notAfter: DateTimeOffset.UtcNow.AddDays(-1));
        var otherSan = clientCa.IssueClient(Scratch("other-san"), "batch", uris: ["spiffe://shop.example/batch"]);

        await using var backends = await BackendSet.StartAsync("api");
        await using var gateway = await GatewayFixture.StartAsync(g =>
        {
            var server = serverCa.IssueServerCertificate(CertDirectory(g, "api"), ["api.example.com"]);
            var caPath = clientCa.WriteAuthority(Path.Combine(CertDirectory(g, "client-ca"), "ca.pem"));
            g.WriteFile("upstreams.yaml", backends.UpstreamsYaml());
            g.WriteFile("api.yaml", TlsYaml.VirtualService("api", "api.example.com", "api",
                TlsYaml.Files(server.CertPath, server.KeyPath, caPath) + $"verifySubjectAltName: ['{SpiffeFrontend}']\n"));
        });

        var accepted = await TlsProbe.GetAsync(gateway.HttpsPort, "api.example.com", clientCertificate: good.Certificate, trust: serverCa);
        Assert.Equal(200, accepted.Status);
        Assert.Contains("\"backend\":\"api\"", accepted.Body);

        foreach (var (what, certificate) in new[] { ("no certificate", null), ("another CA", wrongCa.Certificate), ("expired", expired.Certificate), ("SAN not listed", otherSan.Certificate) })
        {
            var refused = await TlsProbe.GetAsync(gateway.HttpsPort, "api.example.com", clientCertificate: certificate, trust: serverCa);
            Assert.False(refused.Connected, $"{what}: the handshake should have failed but got {refused.Status}");
        }

        Assert.Equal(1, backends["api"].RequestCount);
    }

    [Fact]
    public async Task ClientCertificates_ArePerSniName_OneWayTlsTurnsThemOff_AndAnotherNamesConnectionGets421()
    {
        var ca = TestCertificates.CreateAuthority();
        var client = ca.IssueClient(Scratch("client"), "frontend");
        await using var backends = await BackendSet.StartAsync("secure", "open", "oneway");
        await using var gateway = await GatewayFixture.StartAsync(g =>
        {
            var caPath = ca.WriteAuthority(Path.Combine(CertDirectory(g, "ca"), "ca.pem"));
            var secure = ca.IssueServerCertificate(CertDirectory(g, "secure"), ["secure.example.com"]);
            var open = ca.IssueServerCertificate(CertDirectory(g, "open"), ["open.example.com"]);
            var oneWay = ca.IssueServerCertificate(CertDirectory(g, "oneway"), ["oneway.example.com"]);
            g.WriteFile("upstreams.yaml", backends.UpstreamsYaml());
            g.WriteFile("secure.yaml", TlsYaml.VirtualService("secure", "secure.example.com", "secure", TlsYaml.Files(secure.CertPath, secure.KeyPath, caPath)));
            g.WriteFile("open.yaml", TlsYaml.VirtualService("open", "open.example.com", "open", TlsYaml.Files(open.CertPath, open.KeyPath)));
            g.WriteFile("oneway.yaml", TlsYaml.VirtualService("oneway", "oneway.example.com", "oneway", TlsYaml.Files(oneWay.CertPath, oneWay.KeyPath, caPath) + "oneWayTls: true\n"));
        });

        Assert.False((await TlsProbe.GetAsync(gateway.HttpsPort, "secure.example.com", trust: ca)).Connected);
        Assert.Equal(200, (await TlsProbe.GetAsync(gateway.HttpsPort, "secure.example.com", clientCertificate: client.Certificate, trust: ca)).Status);
        Assert.Equal(200, (await TlsProbe.GetAsync(gateway.HttpsPort, "open.example.com", trust: ca)).Status);
        Assert.Equal(200, (await TlsProbe.GetAsync(gateway.HttpsPort, "oneway.example.com", trust: ca)).Status);

        // A connection made for the open name, without a certificate, cannot be used to reach the secure name.
        var misdirected = await TlsProbe.GetAsync(gateway.HttpsPort, "open.example.com", host: "secure.example.com", trust: ca);
        Assert.Equal(421, misdirected.Status);
        Assert.Equal(1, backends["secure"].RequestCount);

        // A verified connection may reach a name that requires nothing.
        Assert.Equal(200, (await TlsProbe.GetAsync(gateway.HttpsPort, "secure.example.com", host: "open.example.com", clientCertificate: client.Certificate, trust: ca)).Status);
    }

    [Fact]
    public async Task SecretWithCaCrt_RequiresClientCertificates()
    {
        var ca = TestCertificates.CreateAuthority();
        var client = ca.IssueClient(Scratch("client"), "frontend");
        var server = ca.IssueServerCertificate(Scratch("server"), ["vault.example.com"]);
        await using var backends = await BackendSet.StartAsync("vault");
        await using var gateway = await GatewayFixture.StartAsync(g =>
        {
            g.WriteFile("upstreams.yaml", backends.UpstreamsYaml());
            g.WriteFile("secret.yaml", TlsYaml.Secret("vault-tls", server.CertPem, server.KeyPem, ca.AuthorityPem));
            g.WriteFile("vault.yaml", TlsYaml.VirtualService("vault", "vault.example.com", "vault", "secretRef: {name: vault-tls}"));
        });

        Assert.False((await TlsProbe.GetAsync(gateway.HttpsPort, "vault.example.com", trust: ca)).Connected);
        Assert.Equal(200, (await TlsProbe.GetAsync(gateway.HttpsPort, "vault.example.com", clientCertificate: client.Certificate, trust: ca)).Status);
    }

    [Fact]
    public async Task SanitizeSet_ForwardsTheVerifiedIdentityInEnvoysXfccFormat_ReplacingTheClientsHeader()
    {
        var ca = TestCertificates.CreateAuthority();
        var client = ca.IssueClient(Scratch("client"), "frontend", dnsNames: ["frontend.shop.example"], uris: [SpiffeFrontend]);
        await using var backends = await BackendSet.StartAsync("api");
        await using var gateway = await GatewayFixture.StartAsync(g =>
        {
            var caPath = ca.WriteAuthority(Path.Combine(CertDirectory(g, "ca"), "ca.pem"));
            var server = ca.IssueServerCertificate(CertDirectory(g, "api"), ["api.example.com"], uris: ["spiffe://shop.example/gateway"]);
            g.WriteFile("gateway.yaml", $"""
                apiVersion: gateway.sluice.dev/v1
                kind: Gateway
                metadata: {"{name: edge-tls}"}
                spec:
                  bindAddress: 127.0.0.1
                  bindPort: {g.HttpsPort}
                  ssl: true
                  httpGateway:
                    options:
                      httpConnectionManagerSettings:
                        forwardClientCertDetails: SANITIZE_SET
                        setCurrentClientCertDetails: {"{subject: true, uri: true, dns: true}"}
                """);
            g.WriteFile("upstreams.yaml", backends.UpstreamsYaml());
            g.WriteFile("api.yaml", TlsYaml.VirtualService("api", "api.example.com", "api", TlsYaml.Files(server.CertPath, server.KeyPath, caPath)));
        }, defaultGateways: false);

        var outcome = await TlsProbe.GetAsync(gateway.HttpsPort, "api.example.com", clientCertificate: client.Certificate, trust: ca,
            headers: [("x-forwarded-client-cert", "By=spiffe://evil;Hash=00;URI=spiffe://shop.example/admin")]);
        Assert.Equal(200, outcome.Status);
        var echo = JsonSerializer.Deserialize<EchoResponse>(outcome.Body, EchoResponse.JsonOptions)!;
        var hash = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(client.Certificate.RawData));
        Assert.Equal(
            $"By=spiffe://shop.example/gateway;Hash={hash};Subject=\"CN=frontend,O=Sluice Tests\";URI={SpiffeFrontend};DNS=frontend.shop.example",
            echo.Headers["x-forwarded-client-cert"]);
    }

    [Fact]
    public async Task ClientSentForwardedClientCert_IsAlwaysStripped_OnPlainAndTlsListeners()
    {
        var ca = TestCertificates.CreateAuthority();
        var client = ca.IssueClient(Scratch("client"), "frontend");
        await using var backends = await BackendSet.StartAsync("api");
        await using var gateway = await GatewayFixture.StartAsync(g =>
        {
            var caPath = ca.WriteAuthority(Path.Combine(CertDirectory(g, "ca"), "ca.pem"));
            var server = ca.IssueServerCertificate(CertDirectory(g, "api"), ["api.example.com"]);
            g.WriteFile("upstreams.yaml", backends.UpstreamsYaml());
            g.WriteFile("api.yaml", TlsYaml.VirtualService("api", "api.example.com", "api", TlsYaml.Files(server.CertPath, server.KeyPath, caPath)));
            g.WriteFile("plain.yaml", RouteYaml.VirtualService("plain", RouteYaml.Route("prefix: /", "api"), ["plain.example.com"]));
        });

        const string Forged = "By=spiffe://evil;Hash=00;Subject=\"CN=admin\";URI=spiffe://shop.example/admin";
        var tls = await TlsProbe.GetAsync(gateway.HttpsPort, "api.example.com", clientCertificate: client.Certificate, trust: ca, headers: [("X-Forwarded-Client-Cert", Forged)]);
        Assert.Equal(200, tls.Status);
        var echo = JsonSerializer.Deserialize<EchoResponse>(tls.Body, EchoResponse.JsonOptions)!;
        Assert.False(echo.Headers.ContainsKey("x-forwarded-client-cert"), "the client's XFCC reached the upstream");

        using var plain = gateway.CreateClient();
        var reply = await plain.SendAsync("/", host: "plain.example.com", headers: [("x-forwarded-client-cert", Forged)]);
        Assert.False(reply.Echo.Headers.ContainsKey("x-forwarded-client-cert"), "the client's XFCC reached the upstream over plain HTTP");
    }
}
