using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Sluice.Gateway.Inspection;

namespace Sluice.Gateway.Tests.Inspection;

/// <summary>check reports rejected resources, upstreams without endpoints and certificates about to expire.</summary>
public sealed class HealthSummaryTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("sluice-check-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact]
    public void RejectedResource_IsOneErrorLineWithItsLocationAndReason()
    {
        using var compiled = new CompiledYaml("""
            apiVersion: gateway.sluice.dev/v1
            kind: VirtualService
            metadata: {name: bad, namespace: default}
            spec:
              virtualHost:
                routes:
                  - matchers: [{prefix: /}]
                    routeAction: {single: {upstream: {name: missing}}}
            """);
        var report = HealthSummary.Check(compiled.Config, liveHealth: false, TimeSpan.FromDays(14), DateTimeOffset.UtcNow);

        var problem = Assert.Single(report.Problems);
        Assert.Equal("error", problem.Severity);
        Assert.Equal("rejected", problem.Check);
        Assert.Equal("VirtualService default/bad", problem.Subject);
        Assert.StartsWith("error rejected VirtualService default/bad: /config/test.yaml:8:", problem.ToString(), StringComparison.Ordinal);
        Assert.Contains("missing", problem.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void UpstreamWithoutEndpoints_IsAProblem()
    {
        using var compiled = new CompiledYaml("""
            apiVersion: gateway.sluice.dev/v1
            kind: Upstream
            metadata: {name: empty, namespace: default}
            spec: {static: {hosts: []}}
            """);
        var report = HealthSummary.Check(compiled.Config, liveHealth: false, TimeSpan.FromDays(14), DateTimeOffset.UtcNow);

        Assert.Contains(report.Problems, p => p.Check == "no-endpoints" && p.Subject == "Upstream default/empty");
    }

    [Fact]
    public void LiveHealth_UpstreamWhoseEndpointsAreAllUnhealthy_IsAProblem_ButOneHealthyIsEnough()
    {
        using var compiled = new CompiledYaml(CompiledYaml.Layered);
        var b = compiled.Config.Clusters["default/b"];
        b.Endpoints[0].State.RecordCheckFailure(unhealthyThreshold: 1, immediate: true);

        var one = HealthSummary.Check(compiled.Config, liveHealth: true, TimeSpan.FromDays(14), DateTimeOffset.UtcNow);
        Assert.DoesNotContain(one.Problems, p => p.Check == "no-healthy-endpoint");

        b.Endpoints[1].State.RecordCheckFailure(unhealthyThreshold: 1, immediate: true);
        var none = HealthSummary.Check(compiled.Config, liveHealth: true, TimeSpan.FromDays(14), DateTimeOffset.UtcNow);
        var problem = Assert.Single(none.Problems, p => p.Check == "no-healthy-endpoint");
        Assert.Equal("Upstream default/b", problem.Subject);
        Assert.StartsWith("0 of 2 endpoints healthy", problem.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void Certificate_ExpiringWithinTheWindow_IsReported_AndOutsideItIsNot()
    {
        var (cert, key) = WriteCertificate(DateTimeOffset.UtcNow.AddDays(5));
        using var compiled = new CompiledYaml($"""
            apiVersion: gateway.sluice.dev/v1
            kind: VirtualService
            metadata: {"{"}name: secure, namespace: default{"}"}
            spec:
              sslConfig:
                sslFiles: {"{"}tlsCert: '{cert}', tlsKey: '{key}'{"}"}
              virtualHost:
                domains: [secure.test]
                routes:
                  - matchers: [{"{"}prefix: /{"}"}]
                    directResponseAction: {"{"}status: 200{"}"}
            """);

        var within = HealthSummary.Check(compiled.Config, liveHealth: false, TimeSpan.FromDays(14), DateTimeOffset.UtcNow);
        var problem = Assert.Single(within.Problems);
        Assert.True(problem.Check == "certificate-expiring", problem.ToString());
        Assert.Equal("VirtualService default/secure", problem.Subject);
        Assert.Contains(cert, problem.Detail, StringComparison.Ordinal);
        Assert.Equal(1, within.Certificates);

        Assert.Empty(HealthSummary.Check(compiled.Config, liveHealth: false, TimeSpan.FromDays(2), DateTimeOffset.UtcNow).Problems);
        Assert.Equal("certificate-expired", Assert.Single(HealthSummary.Check(compiled.Config, liveHealth: false, TimeSpan.FromDays(2), DateTimeOffset.UtcNow.AddDays(6)).Problems).Check);
    }

    [Fact]
    public void TlsSecret_ExpiringWithinTheWindow_IsReported()
    {
        var (cert, key) = WriteCertificate(DateTimeOffset.UtcNow.AddDays(3));
        static string Indented(string pem) => string.Concat(File.ReadAllLines(pem).Select(line => "    " + line + "\n"));
        using var compiled = new CompiledYaml($"""
            apiVersion: v1
            kind: Secret
            metadata: {"{"}name: edge-tls, namespace: default{"}"}
            type: kubernetes.io/tls
            stringData:
              tls.crt: |
            {Indented(cert)}  tls.key: |
            {Indented(key)}
            """);

        var report = HealthSummary.Check(compiled.Config, liveHealth: false, TimeSpan.FromDays(14), DateTimeOffset.UtcNow);

        var problem = Assert.Single(report.Problems);
        Assert.Equal(("certificate-expiring", "Secret default/edge-tls"), (problem.Check, problem.Subject));
        Assert.DoesNotContain("PRIVATE KEY", problem.ToString(), StringComparison.Ordinal);
    }

    private (string Cert, string Key) WriteCertificate(DateTimeOffset notAfter)
    {
        using var rsa = RSA.Create(2048);
        var request = new CertificateRequest("CN=secure.test", rsa, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        using var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), notAfter);
        var cert = Path.Combine(_directory, "tls.crt");
        var key = Path.Combine(_directory, "tls.key");
        File.WriteAllText(cert, certificate.ExportCertificatePem());
        File.WriteAllText(key, rsa.ExportPkcs8PrivateKeyPem());
        return (cert, key);
    }
}
