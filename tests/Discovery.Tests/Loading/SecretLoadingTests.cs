using Sluice.Discovery.Model;

namespace Sluice.Discovery.Tests.Loading;

/// <summary>Kubernetes Secrets load from files in their own shape (fields beside metadata) and never leak their values.</summary>
public sealed class SecretLoadingTests
{
    [Fact]
    public void TlsSecret_DecodesDataAndPrefersStringData()
    {
        var secret = Yaml.LoadOne<Secret>("""
            apiVersion: v1
            kind: Secret
            metadata: { name: shop-tls, namespace: shop }
            type: kubernetes.io/tls
            data:
              tls.crt: Y2VydA==
              tls.key: a2V5
            stringData:
              tls.key: plain-key
            """);

        Assert.Equal(new ResourceId(ResourceKind.Secret, "shop", "shop-tls"), secret.Id);
        Assert.True(secret.Spec.TryGetString("tls.crt", out var certificate));
        Assert.Equal("cert", certificate);
        Assert.True(secret.Spec.TryGetString("tls.key", out var key));
        Assert.Equal("plain-key", key);
        Assert.False(secret.Spec.TryGetBytes("ca.crt", out _));
        Assert.Equal(["tls.crt", "tls.key"], secret.Spec.Keys.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void SluiceApiVersion_IsNotASecret()
    {
        var document = Yaml.LoadDocument("""
            apiVersion: gateway.sluice.dev/v1
            kind: Secret
            metadata: { name: keys }
            """);

        DiagnosticAssert.Single(document.Diagnostics, DiagnosticSeverity.Error, "apiVersion", 1, 13, "use v1");
    }

    [Fact]
    public void UnknownTopLevelField_IsReportedWhereItIs()
    {
        var document = Yaml.LoadDocument("""
            apiVersion: v1
            kind: Secret
            metadata: { name: keys }
            spec:
              data: {}
            """);

        DiagnosticAssert.Single(document.Diagnostics, DiagnosticSeverity.Error, "spec", 4, 1, "spec");
    }

    [Fact]
    public void InvalidBase64_NamesTheKeyButNeverTheValue()
    {
        var diagnostics = Yaml.Validate("""
            apiVersion: v1
            kind: Secret
            metadata: { name: keys }
            data:
              api-key: "hunter2!!"
            """);

        var problem = DiagnosticAssert.Single(diagnostics, DiagnosticSeverity.Error, "data.api-key", 5, 12, "not valid base64");
        Assert.DoesNotContain("hunter2", problem.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void TlsSecret_WithoutItsKey_IsRejected()
    {
        var diagnostics = Yaml.Validate("""
            apiVersion: v1
            kind: Secret
            metadata: { name: shop-tls }
            type: kubernetes.io/tls
            data:
              tls.crt: Y2VydA==
            """);

        DiagnosticAssert.Single(diagnostics, DiagnosticSeverity.Error, "data", 6, 3, "'tls.key'");
    }
}
