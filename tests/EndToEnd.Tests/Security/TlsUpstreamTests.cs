using System.Net;
using Sluice.EndToEnd.Tests.Harness;
using Sluice.EndToEnd.Tests.Routing.Support;
using Sluice.EndToEnd.Tests.Security.Support;

namespace Sluice.EndToEnd.Tests.Security;

/// <summary>
/// Upstream mTLS: the gateway presents a client certificate from the Upstream's sslConfig, verifies the upstream's
/// certificate against the configured CA with SNI and SAN checks, and picks up a rotated client certificate on new
/// connections without a restart.
/// </summary>
public sealed class TlsUpstreamTests
{
    private static string Scratch(string name) => Path.Combine(Path.GetTempPath(), "sluice-upstream-tls-" + Guid.NewGuid().ToString("N")[..8], name);

    private static string UpstreamYaml(int port, string sslConfig) => RouteYaml.Upstream("secure", [port], extraSpec: "sslConfig:\n" + RouteYaml.Indent(sslConfig, 2));

    private static string Routes() => RouteYaml.VirtualService("api", RouteYaml.Route("prefix: /", "secure"), ["api.example.com"]);

    [Fact]
    public async Task ClientCertificate_IsPresented_AndTheUpstreamIsVerifiedAgainstTheCa()
    {
        var ca = TestCertificates.CreateAuthority();
        var backendCert = ca.IssueServerCertificate(Scratch("backend"), ["payments.internal"], uris: ["spiffe://shop.example/payments"]);
        var client = ca.IssueClient(Scratch("gateway"), "gateway");
        var caPath = ca.WriteAuthority(Path.Combine(Scratch("ca"), "ca.pem"));
        await using var backend = await TlsBackend.StartAsync(backendCert.Certificate, ca.Authority);
        await using var gateway = await GatewayFixture.StartAsync(g =>
        {
            g.WriteFile("upstream.yaml", UpstreamYaml(backend.Port, $"""
                sslFiles: {"{"}tlsCert: {client.CertPath}, tlsKey: {client.KeyPath}, rootCa: {caPath}{"}"}
                sni: payments.internal
                verifySubjectAltName: [spiffe://shop.example/payments]
                """));
            g.WriteFile("vs.yaml", Routes());
        });

        using var http = gateway.CreateClient();
        var reply = await http.SendAsync("/pay", host: "api.example.com");
        Assert.Equal(HttpStatusCode.OK, reply.Status);
        Assert.Contains($"serial={client.Certificate.SerialNumber}", reply.Body);
        Assert.Contains("CN=gateway", reply.Body);
    }

    [Fact]
    public async Task ClientCertificateFromAnotherCa_IsRefusedByTheUpstream()
    {
        var ca = TestCertificates.CreateAuthority();
        var other = TestCertificates.CreateAuthority("Other CA");
        var backendCert = ca.IssueServerCertificate(Scratch("backend"), ["payments.internal"]);
        var client = other.IssueClient(Scratch("gateway"), "gateway");
        var caPath = ca.WriteAuthority(Path.Combine(Scratch("ca"), "ca.pem"));
        await using var backend = await TlsBackend.StartAsync(backendCert.Certificate, ca.Authority);
        await using var gateway = await GatewayFixture.StartAsync(g =>
        {
            g.WriteFile("upstream.yaml", UpstreamYaml(backend.Port, $"""
                sslFiles: {"{"}tlsCert: {client.CertPath}, tlsKey: {client.KeyPath}, rootCa: {caPath}{"}"}
                sni: payments.internal
                """));
            g.WriteFile("vs.yaml", Routes());
        });

        using var http = gateway.CreateClient();
        var reply = await http.SendAsync("/pay", host: "api.example.com");
        Assert.True((int)reply.Status >= 500, $"expected a 5xx, got {(int)reply.Status}: {reply.Body}");
        Assert.Equal(0, backend.RequestCount);
    }

    [Fact]
    public async Task UpstreamCertificateWithoutTheRequiredSan_Gets503WithTheReason()
    {
        var ca = TestCertificates.CreateAuthority();
        var backendCert = ca.IssueServerCertificate(Scratch("backend"), ["payments.internal"], uris: ["spiffe://shop.example/impostor"]);
        var client = ca.IssueClient(Scratch("gateway"), "gateway");
        var caPath = ca.WriteAuthority(Path.Combine(Scratch("ca"), "ca.pem"));
        await using var backend = await TlsBackend.StartAsync(backendCert.Certificate, ca.Authority);
        await using var gateway = await GatewayFixture.StartAsync(g =>
        {
            g.WriteFile("upstream.yaml", UpstreamYaml(backend.Port, $"""
                sslFiles: {"{"}tlsCert: {client.CertPath}, tlsKey: {client.KeyPath}, rootCa: {caPath}{"}"}
                sni: payments.internal
                verifySubjectAltName: [spiffe://shop.example/payments]
                """));
            g.WriteFile("vs.yaml", Routes());
        });

        using var http = gateway.CreateClient();
        var reply = await http.SendAsync("/pay", host: "api.example.com");
        Assert.Equal(HttpStatusCode.ServiceUnavailable, reply.Status);
        Assert.Contains("TLS handshake", reply.Body);
        Assert.Contains("spiffe://shop.example/payments", reply.Body);
        Assert.Contains("spiffe://shop.example/impostor", reply.Body);
        Assert.Equal(0, backend.RequestCount);
    }

    [Fact]
    public async Task UpstreamCertificateFromAnotherCa_OrForAnotherName_Gets503()
    {
        var ca = TestCertificates.CreateAuthority();
        var other = TestCertificates.CreateAuthority("Other CA");
        var client = ca.IssueClient(Scratch("gateway"), "gateway");
        var caPath = ca.WriteAuthority(Path.Combine(Scratch("ca"), "ca.pem"));
        await using var untrusted = await TlsBackend.StartAsync(other.IssueServerCertificate(Scratch("untrusted"), ["payments.internal"]).Certificate, ca.Authority);
        await using var misnamed = await TlsBackend.StartAsync(ca.IssueServerCertificate(Scratch("misnamed"), ["billing.internal"]).Certificate, ca.Authority);
        await using var gateway = await GatewayFixture.StartAsync(g => g.WriteFile("vs.yaml", Routes()));

        using var http = gateway.CreateClient();
        foreach (var (backend, expected) in new[] { (untrusted, "not issued by the configured root CA"), (misnamed, "not valid for 'payments.internal'") })
        {
            await gateway.ApplyAsync(() => gateway.WriteFile("upstream.yaml", UpstreamYaml(backend.Port, $"""
                sslFiles: {"{"}tlsCert: {client.CertPath}, tlsKey: {client.KeyPath}, rootCa: {caPath}{"}"}
                sni: payments.internal
                """)));
            var reply = await http.SendAsync("/pay", host: "api.example.com");
            Assert.Equal(HttpStatusCode.ServiceUnavailable, reply.Status);
            Assert.True(reply.Body.Contains(expected, StringComparison.Ordinal), reply.Body);
            Assert.Equal(0, backend.RequestCount);
        }
    }

    [Fact]
    public async Task ClientCertificateRewrittenOnDisk_IsPresentedOnNewConnections_WithoutRestart()
    {
        var ca = TestCertificates.CreateAuthority();
        var backendCert = ca.IssueServerCertificate(Scratch("backend"), ["payments.internal"]);
        var clientDirectory = Scratch("gateway");
        var first = ca.IssueClient(clientDirectory, "gateway");
        var caPath = ca.WriteAuthority(Path.Combine(Scratch("ca"), "ca.pem"));
        await using var backend = await TlsBackend.StartAsync(backendCert.Certificate, ca.Authority, closeEachConnection: true);
        await using var gateway = await GatewayFixture.StartAsync(g =>
        {
            g.WriteFile("upstream.yaml", UpstreamYaml(backend.Port, $"""
                sslFiles: {"{"}tlsCert: {first.CertPath}, tlsKey: {first.KeyPath}, rootCa: {caPath}{"}"}
                sni: payments.internal
                """));
            g.WriteFile("vs.yaml", Routes());
        });

        using var http = gateway.CreateClient();
        Assert.Contains($"serial={first.Certificate.SerialNumber}", (await http.SendAsync("/pay", host: "api.example.com")).Body);

        var second = ca.IssueClient(clientDirectory, "gateway-rotated");
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        string body;
        do
        {
            body = (await http.SendAsync("/pay", host: "api.example.com")).Body;
            if (body.Contains($"serial={second.Certificate.SerialNumber}", StringComparison.Ordinal))
            {
                break;
            }

            await Task.Delay(50);
        }
        while (DateTime.UtcNow < deadline);

        Assert.True(body.Contains($"serial={second.Certificate.SerialNumber}", StringComparison.Ordinal), body);
        Assert.Contains("CN=gateway-rotated", body);
    }
}
