using System.Security.Authentication;
using Sluice.EndToEnd.Tests.Harness;
using Sluice.EndToEnd.Tests.Routing.Support;
using Sluice.EndToEnd.Tests.Security.Support;

namespace Sluice.EndToEnd.Tests.Security;

/// <summary>
/// Server TLS per virtual service: SNI picks the certificate (exact and wildcard names), certificates from files and
/// Secrets rotate without a restart, a broken certificate costs only its own virtual service, and protocol versions,
/// cipher suites and ALPN follow <c>sslConfig.parameters</c> and <c>alpnProtocols</c>.
/// </summary>
public sealed class TlsServerTests
{
    private static string CertDirectory(GatewayFixture g, string name) => Path.Combine(Path.GetDirectoryName(g.ConfigDirectory)!, "certs", name);

    [Fact]
    public async Task Sni_ExactAndWildcardNames_SelectTheirVirtualServicesCertificate()
    {
        var ca = TestCertificates.CreateAuthority();
        await using var backends = await BackendSet.StartAsync("exact", "wild");
        await using var gateway = await GatewayFixture.StartAsync(g =>
        {
            var exact = ca.IssueServerCertificate(CertDirectory(g, "exact"), ["api.example.com"]);
            var wild = ca.IssueServerCertificate(CertDirectory(g, "wild"), ["*.apps.example.com"]);
            g.WriteFile("upstreams.yaml", backends.UpstreamsYaml());
            g.WriteFile("exact.yaml", TlsYaml.VirtualService("exact", "api.example.com", "exact", TlsYaml.Files(exact.CertPath, exact.KeyPath)));
            g.WriteFile("wild.yaml", TlsYaml.VirtualService("wild", "*.apps.example.com", "wild", TlsYaml.Files(wild.CertPath, wild.KeyPath)));
        });

        var exactOutcome = await TlsProbe.GetAsync(gateway.HttpsPort, "api.example.com", trust: ca);
        Assert.Equal(200, exactOutcome.Status);
        Assert.StartsWith("CN=api.example.com", exactOutcome.ServedSubject);
        Assert.Contains("\"backend\":\"exact\"", exactOutcome.Body);

        var wildOutcome = await TlsProbe.GetAsync(gateway.HttpsPort, "shop.apps.example.com", trust: ca);
        Assert.Equal(200, wildOutcome.Status);
        Assert.StartsWith("CN=*.apps.example.com", wildOutcome.ServedSubject);
        Assert.Contains("\"backend\":\"wild\"", wildOutcome.Body);
    }

    [Fact]
    public async Task CertificateFileRewritten_NewConnectionsGetTheNewCertificate_WithoutRestart()
    {
        var ca = TestCertificates.CreateAuthority();
        await using var backends = await BackendSet.StartAsync("web");
        IssuedCertificate first = null!;
        await using var gateway = await GatewayFixture.StartAsync(g =>
        {
            first = ca.IssueServerCertificate(CertDirectory(g, "web"), ["web.example.com"]);
            g.WriteFile("upstreams.yaml", backends.UpstreamsYaml());
            g.WriteFile("web.yaml", TlsYaml.VirtualService("web", "web.example.com", "web", TlsYaml.Files(first.CertPath, first.KeyPath)));
        });

        var before = await TlsProbe.GetAsync(gateway.HttpsPort, "web.example.com", trust: ca);
        Assert.Equal(first.Certificate.SerialNumber, before.ServedSerial);

        // Rewrite both files in place, as cert-manager or certbot would; no YAML changes.
        var second = ca.IssueServerCertificate(CertDirectory(gateway, "web"), ["web.example.com"]);
        Assert.NotEqual(first.Certificate.SerialNumber, second.Certificate.SerialNumber);

        var after = await TlsProbe.EventuallyAsync(
            () => TlsProbe.GetAsync(gateway.HttpsPort, "web.example.com", trust: ca),
            o => o.ServedSerial == second.Certificate.SerialNumber,
            "the rewritten certificate");
        Assert.Equal(200, after.Status);
    }

    [Fact]
    public async Task SecretCertificate_IsServed_AndRotatesAtTheNextSnapshot()
    {
        var ca = TestCertificates.CreateAuthority();
        await using var backends = await BackendSet.StartAsync("web");
        var scratch = Path.Combine(Path.GetTempPath(), "sluice-secret-" + Guid.NewGuid().ToString("N")[..8]);
        var first = ca.IssueServerCertificate(Path.Combine(scratch, "1"), ["secret.example.com"]);
        await using var gateway = await GatewayFixture.StartAsync(g =>
        {
            g.WriteFile("upstreams.yaml", backends.UpstreamsYaml());
            g.WriteFile("secret.yaml", TlsYaml.Secret("web-tls", first.CertPem, first.KeyPem));
            g.WriteFile("web.yaml", TlsYaml.VirtualService("web", "secret.example.com", "web", "secretRef: {name: web-tls, namespace: default}"));
        });

        var before = await TlsProbe.GetAsync(gateway.HttpsPort, "secret.example.com", trust: ca);
        Assert.Equal(200, before.Status);
        Assert.Equal(first.Certificate.SerialNumber, before.ServedSerial);

        var second = ca.IssueServerCertificate(Path.Combine(scratch, "2"), ["secret.example.com"]);
        await gateway.ApplyAsync(() => gateway.WriteFile("secret.yaml", TlsYaml.Secret("web-tls", second.CertPem, second.KeyPem)));
        var after = await TlsProbe.GetAsync(gateway.HttpsPort, "secret.example.com", trust: ca);
        Assert.Equal(second.Certificate.SerialNumber, after.ServedSerial);
        Assert.Equal(200, after.Status);
        Directory.Delete(scratch, recursive: true);
    }

    [Fact]
    public async Task BrokenCertificate_CostsOnlyItsOwnVirtualService_OnASharedListener()
    {
        var ca = TestCertificates.CreateAuthority();
        await using var backends = await BackendSet.StartAsync("good", "broken");
        IssuedCertificate brokenCert = null!;
        await using var gateway = await GatewayFixture.StartAsync(g =>
        {
            var good = ca.IssueServerCertificate(CertDirectory(g, "good"), ["good.example.com"]);
            brokenCert = ca.IssueServerCertificate(CertDirectory(g, "broken"), ["broken.example.com"]);
            g.WriteFile("upstreams.yaml", backends.UpstreamsYaml());
            g.WriteFile("good.yaml", TlsYaml.VirtualService("good", "good.example.com", "good", TlsYaml.Files(good.CertPath, good.KeyPath)));
            g.WriteFile("broken.yaml", TlsYaml.VirtualService("broken", "broken.example.com", "broken", TlsYaml.Files(brokenCert.CertPath, brokenCert.KeyPath)));
        });

        Assert.Equal(200, (await TlsProbe.GetAsync(gateway.HttpsPort, "broken.example.com", trust: ca)).Status);

        // The certificate file is corrupted on disk: the virtual service keeps the certificate it had (Warning).
        var before = gateway.Version;
        File.WriteAllText(brokenCert.CertPath, "-----BEGIN CERTIFICATE-----\nnot a certificate\n-----END CERTIFICATE-----\n");
        await gateway.WaitForVersionAfterAsync(before, TimeSpan.FromSeconds(10));
        var status = await gateway.GetStatusAsync("VirtualService", "broken");
        Assert.Equal("Warning", status.GetProperty("status").GetString());
        Assert.Contains("still serving the certificate loaded before", status.GetRawText());
        Assert.Equal(brokenCert.Certificate.SerialNumber, (await TlsProbe.GetAsync(gateway.HttpsPort, "broken.example.com", trust: ca)).ServedSerial);
        Assert.Equal(200, (await TlsProbe.GetAsync(gateway.HttpsPort, "good.example.com", trust: ca)).Status);

        // A new virtual service whose Secret does not exist has no certificate at all: Rejected, its name refused.
        await gateway.ApplyAsync(() => gateway.WriteFile("missing.yaml", TlsYaml.VirtualService("missing", "missing.example.com", "broken", "secretRef: {name: nowhere}")));
        var missing = await gateway.GetStatusAsync("VirtualService", "missing");
        Assert.Equal("Rejected", missing.GetProperty("status").GetString());
        Assert.False(missing.GetProperty("served").GetBoolean());
        Assert.Contains("Secret default/nowhere does not exist", missing.GetRawText());
        var refused = await TlsProbe.GetAsync(gateway.HttpsPort, "missing.example.com", trust: ca);
        Assert.False(refused.Connected);

        // The other virtual service on the same listener never noticed.
        var good = await TlsProbe.GetAsync(gateway.HttpsPort, "good.example.com", trust: ca);
        Assert.Equal(200, good.Status);
        Assert.Contains("\"backend\":\"good\"", good.Body);
        Assert.Equal("Accepted", (await gateway.GetStatusAsync("VirtualService", "good")).GetProperty("status").GetString());

        // After a restart the corrupted certificate has no last good version: that virtual service is now refused too.
        await gateway.RestartAsync();
        var afterRestart = await gateway.GetStatusAsync("VirtualService", "broken");
        Assert.Equal("Rejected", afterRestart.GetProperty("status").GetString());
        Assert.False((await TlsProbe.GetAsync(gateway.HttpsPort, "broken.example.com", trust: ca)).Connected);
        Assert.Equal(200, (await TlsProbe.GetAsync(gateway.HttpsPort, "good.example.com", trust: ca)).Status);
    }

    [Fact]
    public async Task ProtocolVersions_Tls12OnlyAndTls13Only_RefuseTheOtherVersion()
    {
        var ca = TestCertificates.CreateAuthority();
        await using var backends = await BackendSet.StartAsync("web");
        await using var gateway = await GatewayFixture.StartAsync(g =>
        {
            var old = ca.IssueServerCertificate(CertDirectory(g, "old"), ["old.example.com"]);
            var modern = ca.IssueServerCertificate(CertDirectory(g, "modern"), ["modern.example.com"]);
            g.WriteFile("upstreams.yaml", backends.UpstreamsYaml());
            g.WriteFile("old.yaml", TlsYaml.VirtualService("old", "old.example.com", "web", TlsYaml.Files(old.CertPath, old.KeyPath) + """
                parameters:
                  maximumProtocolVersion: TLSv1_2
                  cipherSuites: [ECDHE-ECDSA-AES256-GCM-SHA384]
                """));
            g.WriteFile("modern.yaml", TlsYaml.VirtualService("modern", "modern.example.com", "web", TlsYaml.Files(modern.CertPath, modern.KeyPath) + """
                parameters: {minimumProtocolVersion: TLSv1_3}
                """));
        });

        var old12 = await TlsProbe.GetAsync(gateway.HttpsPort, "old.example.com", protocols: SslProtocols.Tls12, trust: ca);
        Assert.Equal(200, old12.Status);
        Assert.Equal(SslProtocols.Tls12, old12.Protocol);
        Assert.Equal(System.Net.Security.TlsCipherSuite.TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384, old12.Cipher);
        Assert.False((await TlsProbe.GetAsync(gateway.HttpsPort, "old.example.com", protocols: SslProtocols.Tls13, trust: ca)).Connected);

        var modern13 = await TlsProbe.GetAsync(gateway.HttpsPort, "modern.example.com", protocols: SslProtocols.Tls13, trust: ca);
        Assert.Equal(200, modern13.Status);
        Assert.Equal(SslProtocols.Tls13, modern13.Protocol);
        Assert.False((await TlsProbe.GetAsync(gateway.HttpsPort, "modern.example.com", protocols: SslProtocols.Tls12, trust: ca)).Connected);
    }

    [Fact]
    public async Task UnknownCipherSuite_IsAValidationError_AndChangesNothing()
    {
        var ca = TestCertificates.CreateAuthority();
        await using var backends = await BackendSet.StartAsync("web");
        await using var gateway = await GatewayFixture.StartAsync(g =>
        {
            var cert = ca.IssueServerCertificate(CertDirectory(g, "web"), ["web.example.com"]);
            g.WriteFile("upstreams.yaml", backends.UpstreamsYaml());
            g.WriteFile("web.yaml", TlsYaml.VirtualService("web", "web.example.com", "web", TlsYaml.Files(cert.CertPath, cert.KeyPath) + """
                parameters: {cipherSuites: [ECDHE-RSA-RC4-SHA]}
                """));
        });

        var status = await gateway.GetStatusAsync("VirtualService", "web");
        Assert.Equal("Rejected", status.GetProperty("status").GetString());
        Assert.Contains("sslConfig.parameters.cipherSuites[0]", status.GetRawText());
        Assert.Contains("ECDHE-RSA-RC4-SHA", status.GetRawText());
    }

    [Fact]
    public async Task Alpn_DefaultsToH2_AndAlpnProtocolsCanLimitItToHttp11()
    {
        var ca = TestCertificates.CreateAuthority();
        await using var backends = await BackendSet.StartAsync("web");
        await using var gateway = await GatewayFixture.StartAsync(g =>
        {
            var both = ca.IssueServerCertificate(CertDirectory(g, "both"), ["both.example.com"]);
            var h1 = ca.IssueServerCertificate(CertDirectory(g, "h1"), ["h1.example.com"]);
            g.WriteFile("upstreams.yaml", backends.UpstreamsYaml());
            g.WriteFile("both.yaml", TlsYaml.VirtualService("both", "both.example.com", "web", TlsYaml.Files(both.CertPath, both.KeyPath)));
            g.WriteFile("h1.yaml", TlsYaml.VirtualService("h1", "h1.example.com", "web", TlsYaml.Files(h1.CertPath, h1.KeyPath) + "alpnProtocols: [http/1.1]\n"));
        });

        string[] offer = ["h2", "http/1.1"];
        Assert.Equal("h2", (await TlsProbe.GetAsync(gateway.HttpsPort, "both.example.com", alpn: offer, trust: ca)).Alpn);
        var h1 = await TlsProbe.GetAsync(gateway.HttpsPort, "h1.example.com", alpn: offer, trust: ca);
        Assert.Equal("http/1.1", h1.Alpn);
        Assert.Equal(200, h1.Status);
    }
}
