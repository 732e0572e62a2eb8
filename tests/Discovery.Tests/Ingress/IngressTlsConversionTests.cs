using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Sluice.Discovery.Model;

namespace Sluice.Discovery.Tests.Ingress;

/// <summary>Ingress <c>tls</c>: a Secret per entry; a missing or broken one affects only that Ingress's TLS hosts.</summary>
public sealed class IngressTlsConversionTests
{
    private static string TlsSecret(string name, string host)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest($"CN={host}", key, HashAlgorithmName.SHA256);
        using var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddHours(-1), DateTimeOffset.UtcNow.AddDays(1));
        return $"""
            apiVersion: v1
            kind: Secret
            metadata: {"{"} name: {name} {"}"}
            type: kubernetes.io/tls
            stringData:
              tls.crt: |
            {Indent(certificate.ExportCertificatePem())}
              tls.key: |
            {Indent(key.ExportPkcs8PrivateKeyPem())}
            ---

            """;
    }

    private static string Indent(string pem) => string.Join('\n', pem.Split('\n').Select(line => "    " + line));

    private static string Ingress(string name, string tls) => $"""
        apiVersion: networking.k8s.io/v1
        kind: Ingress
        metadata: {"{"} name: {name} {"}"}
        spec:
          ingressClassName: sluice
          tls:
        {tls}
          rules:
            - host: {name}.example.com
              http:
                paths:
                  - {"{ path: /, pathType: Prefix, backend: { service: { name: web, port: { number: 80 } } } }"}
        ---

        """;

    private static string Yaml(params string[] parts) => IngressYaml.OurClass + IngressYaml.Upstream("default", "web", 80) + string.Concat(parts);

    [Fact]
    public void TlsEntry_BecomesACertificateForItsHosts()
    {
        var plan = IngressYaml.Convert(Yaml(TlsSecret("shop-tls", "shop.example.com"), Ingress("shop", "    - { hosts: [shop.example.com], secretName: shop-tls }")));

        Assert.Empty(plan.Problems);
        var certificate = Assert.Single(plan.Certificates);
        Assert.Equal(["shop.example.com"], certificate.Hosts);
        Assert.Equal("shop-tls", certificate.Secret.Metadata.Name);
    }

    [Fact]
    public void MissingSecret_WarnsOnThatIngressOnly_OthersKeepTheirCertificates()
    {
        var plan = IngressYaml.Convert(Yaml(
            TlsSecret("good-tls", "good.example.com"),
            Ingress("good", "    - { hosts: [good.example.com], secretName: good-tls }"),
            Ingress("broken", "    - { hosts: [broken.example.com], secretName: nowhere }")));

        var problem = Assert.Single(plan.Problems);
        Assert.Equal(("broken", "tls[0].secretName", DiagnosticSeverity.Warning), (problem.Id.Name, problem.Diagnostic.FieldPath, problem.Diagnostic.Severity));
        Assert.Contains("Secret default/nowhere does not exist", problem.Diagnostic.Message, StringComparison.Ordinal);
        Assert.Equal(["good.example.com"], Assert.Single(plan.Certificates).Hosts);

        // The broken Ingress's routes still serve (over plain HTTP, and HTTPS with another certificate).
        Assert.Equal(["broken.example.com", "good.example.com"], plan.Hosts.Select(h => h.Host));
    }

    [Fact]
    public void SecretWithoutUsablePem_IsAWarningThatNeverShowsTheValues()
    {
        var plan = IngressYaml.Convert(Yaml(
            """
            apiVersion: v1
            kind: Secret
            metadata: { name: junk }
            type: kubernetes.io/tls
            stringData: { tls.crt: not-a-certificate-SECRETVALUE, tls.key: not-a-key }
            ---

            """,
            Ingress("shop", "    - { hosts: [shop.example.com], secretName: junk }")));

        var problem = Assert.Single(plan.Problems);
        Assert.Contains("holds no usable certificate", problem.Diagnostic.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("SECRETVALUE", problem.Diagnostic.ToString(), StringComparison.Ordinal);
        Assert.Empty(plan.Certificates);
    }

    [Fact]
    public void SecretWithoutTlsKeys_IsAWarning()
    {
        var plan = IngressYaml.Convert(Yaml(
            "apiVersion: v1\nkind: Secret\nmetadata: { name: opaque }\ntype: Opaque\nstringData: { password: x }\n---\n",
            Ingress("shop", "    - { hosts: [shop.example.com], secretName: opaque }")));

        Assert.Contains("needs the keys 'tls.crt' and 'tls.key'", Assert.Single(plan.Problems).Diagnostic.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void NoSecretName_IsAWarning()
    {
        var plan = IngressYaml.Convert(Yaml(Ingress("shop", "    - { hosts: [shop.example.com] }")));

        Assert.Equal("tls[0]", Assert.Single(plan.Problems).Diagnostic.FieldPath);
    }
}
