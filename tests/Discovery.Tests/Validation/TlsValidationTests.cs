using Sluice.Discovery.Model;

namespace Sluice.Discovery.Tests.Validation;

/// <summary>
/// sslConfig on virtual services and upstreams: one certificate source, known versions, ciphers and ALPN. Whether the
/// certificate itself loads is a translation-time matter (it can break while the YAML stays the same).
/// </summary>
public class TlsValidationTests
{
    private static IReadOnlyList<Diagnostic> VirtualService(string sslConfig) => Yaml.Validate($"""
        apiVersion: gateway.solo.io/v1
        kind: VirtualService
        metadata: {"{name: storefront, namespace: shop}"}
        spec:
          sslConfig:
        {sslConfig}
          virtualHost:
            domains: [shop.example.com]
            routes:
              - routeAction: {"{single: {upstream: {name: storefront}}}"}
        """);

    [Fact]
    public void FilesThatDoNotExistYet_AreNotAValidationError()
    {
        var diagnostics = VirtualService("""
                sslFiles: {tlsCert: /nonexistent/tls.crt, tlsKey: /nonexistent/tls.key, rootCa: /nonexistent/ca.crt}
                verifySubjectAltName: [spiffe://shop/frontend]
            """);
        Assert.Empty(diagnostics);
    }

    [Fact]
    public void SecretRefAndSslFilesTogether_IsAnError()
    {
        var diagnostics = VirtualService("""
                secretRef: {name: shop-tls}
                sslFiles: {tlsCert: /a, tlsKey: /b}
            """);
        DiagnosticAssert.Single(diagnostics, DiagnosticSeverity.Error, "sslConfig", 6, 5, "set either secretRef or sslFiles, not both");
    }

    [Fact]
    public void NoCertificateSource_IsAnError()
    {
        var diagnostics = VirtualService("    sniDomains: [shop.example.com]");
        DiagnosticAssert.Single(diagnostics, DiagnosticSeverity.Error, "sslConfig", 6, 5, "sslConfig needs a certificate");
    }

    [Fact]
    public void UnknownCipherSuiteAndLegacyVersion_AreErrors_KnownNamesPass()
    {
        var diagnostics = VirtualService("""
                secretRef: {name: shop-tls}
                parameters:
                  minimumProtocolVersion: TLSv1_0
                  maximumProtocolVersion: TLSv1_3
                  cipherSuites: [ECDHE-RSA-AES128-GCM-SHA256, TLS_AES_256_GCM_SHA384, DES-CBC3-SHA, '[AES128-SHA|AES256-SHA]']
            """);
        Assert.Equal(3, diagnostics.Count);
        DiagnosticAssert.At(diagnostics, DiagnosticSeverity.Error, "sslConfig.parameters.minimumProtocolVersion", 8, 31, "TLS 1.0 and 1.1 are deprecated");
        DiagnosticAssert.At(diagnostics, DiagnosticSeverity.Error, "sslConfig.parameters.cipherSuites[2]", 10, 75, "'DES-CBC3-SHA' is not a cipher suite Sluice knows");
        DiagnosticAssert.At(diagnostics, DiagnosticSeverity.Error, "sslConfig.parameters.cipherSuites[3]", 10, 89, "equal-preference cipher groups are not supported");
    }

    [Fact]
    public void MinimumAboveMaximum_AndUnknownAlpn_AreErrors()
    {
        var diagnostics = VirtualService("""
                secretRef: {name: shop-tls}
                parameters: {minimumProtocolVersion: TLSv1_3, maximumProtocolVersion: TLSv1_2}
                alpnProtocols: [h3]
            """);
        Assert.Equal(2, diagnostics.Count);
        Assert.Contains(diagnostics, d => d.FieldPath == "sslConfig.parameters" && d.Message.Contains("no version is left", StringComparison.Ordinal));
        Assert.Contains(diagnostics, d => d.FieldPath == "sslConfig.alpnProtocols[0]" && d.Message.Contains("'h3'", StringComparison.Ordinal));
    }

    [Fact]
    public void OneWayTlsWithVerifySubjectAltName_IsAnError()
    {
        var diagnostics = VirtualService("""
                sslFiles: {tlsCert: /a, tlsKey: /b, rootCa: /c}
                oneWayTls: true
                verifySubjectAltName: [spiffe://shop/frontend]
            """);
        DiagnosticAssert.Single(diagnostics, DiagnosticSeverity.Error, "sslConfig.verifySubjectAltName", 8, 27, "need a root CA");
    }

    [Fact]
    public void UpstreamSslConfig_ClientCertificateNeedsItsKey_AndInsecureSkipVerifyContradictsRootCa()
    {
        var diagnostics = Yaml.Validate("""
            apiVersion: gloo.solo.io/v1
            kind: Upstream
            metadata: {name: payments, namespace: shop}
            spec:
              sslConfig:
                sslFiles: {tlsCert: /client.crt, rootCa: /ca.crt}
                insecureSkipVerify: true
              static:
                hosts: [{addr: payments.internal, port: 443}]
            """);
        Assert.Equal(2, diagnostics.Count);
        Assert.Contains(diagnostics, d => d.FieldPath == "sslConfig.sslFiles.tlsKey" && d.Message.Contains("tlsKey is required", StringComparison.Ordinal));
        Assert.Contains(diagnostics, d => d.FieldPath == "sslConfig.insecureSkipVerify");
    }

    [Theory]
    [InlineData("FORWARD_ONLY")]
    [InlineData("APPEND_FORWARD")]
    [InlineData("ALWAYS_FORWARD_ONLY")]
    public void ForwardClientCertDetails_ThatTrustTheClientsHeader_AreErrors(string mode)
    {
        var diagnostics = Yaml.LoadDocument($"""
            apiVersion: gateway.solo.io/v1
            kind: Gateway
            metadata: {"{name: edge, namespace: shop}"}
            spec:
              bindPort: 8443
              ssl: true
              httpGateway:
                options:
                  httpConnectionManagerSettings:
                    forwardClientCertDetails: {mode}
            """).Diagnostics;
        Assert.Contains(diagnostics, d => d.IsError && d.FieldPath == "httpGateway.options.httpConnectionManagerSettings.forwardClientCertDetails"
            && d.Message.Contains("always removes it", StringComparison.Ordinal));
    }
}
