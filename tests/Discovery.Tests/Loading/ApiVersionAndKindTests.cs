using Sluice.Discovery.Model;

namespace Sluice.Discovery.Tests.Loading;

public class ApiVersionAndKindTests
{
    [Theory]
    [InlineData("Upstream", "gateway.solo.io/v1", "gloo.solo.io/v1")]
    [InlineData("UpstreamGroup", "gateway.solo.io/v1", "gloo.solo.io/v1")]
    [InlineData("VirtualService", "gloo.solo.io/v1", "gateway.solo.io/v1")]
    [InlineData("Gateway", "gloo.solo.io/v1", "gateway.solo.io/v1")]
    [InlineData("RouteTable", "gateway.solo.io/v2", "gateway.solo.io/v1")]
    [InlineData("VirtualService", "gateway.sluice.dev/v2", "gateway.solo.io/v1")]
    public void WrongApiVersionForKind_ErrorAtApiVersionLine_IdentityKept(string kind, string apiVersion, string glooApiVersion)
    {
        var document = Yaml.LoadDocument($"""
            apiVersion: {apiVersion}
            kind: {kind}
            metadata:
              name: catalog
              namespace: shop
            spec: {SpecFor(kind)}
            """);

        DiagnosticAssert.Single(document.Diagnostics, DiagnosticSeverity.Error, "apiVersion", 1, 13,
            $"apiVersion '{apiVersion}' does not serve {kind}; use gateway.sluice.dev/v1 (or Gloo's {glooApiVersion})");
        Assert.Null(document.Resource);
        Assert.Equal(new ResourceId(Enum.Parse<ResourceKind>(kind), "shop", "catalog"), document.Id);
    }

    [Fact]
    public void MissingApiVersion_ErrorAtDocumentStart()
    {
        var document = Yaml.LoadDocument("""
            kind: Upstream
            metadata: {name: catalog, namespace: shop}
            spec:
              static:
                hosts: [{addr: catalog.shop.svc, port: 8080}]
            """);

        DiagnosticAssert.Single(document.Diagnostics, DiagnosticSeverity.Error, "apiVersion", 1, 1, "missing 'apiVersion'; use gateway.sluice.dev/v1");
        Assert.Null(document.Resource);
    }

    [Fact]
    public void MissingApiVersionInSecondDocument_ErrorAtThatDocumentsFirstLine()
    {
        var file = Yaml.LoadFile("""
            apiVersion: gloo.solo.io/v1
            kind: Upstream
            metadata: {name: catalog, namespace: shop}
            spec:
              static:
                hosts: [{addr: catalog.shop.svc, port: 8080}]
            ---
            kind: Upstream
            metadata: {name: payments, namespace: shop}
            spec:
              static:
                hosts: [{addr: payments.shop.svc, port: 8080}]
            """);

        DiagnosticAssert.Single(file.Documents[1].Diagnostics, DiagnosticSeverity.Error, "apiVersion", 8, 1, "missing 'apiVersion'");
    }

    [Fact]
    public void MissingSpecInSecondDocument_ErrorAtThatDocumentsFirstLine()
    {
        var file = Yaml.LoadFile("""
            apiVersion: gloo.solo.io/v1
            kind: Upstream
            metadata: {name: catalog, namespace: shop}
            spec:
              static:
                hosts: [{addr: catalog.shop.svc, port: 8080}]
            ---
            apiVersion: gateway.solo.io/v1
            kind: VirtualService
            metadata:
              name: storefront
              namespace: shop
            """);

        DiagnosticAssert.Single(file.Documents[1].Diagnostics, DiagnosticSeverity.Error, "spec", 8, 1, "missing 'spec'");
    }

    [Fact]
    public void MissingSpec_InFirstDocument_ErrorAtDocumentStart()
    {
        var document = Yaml.LoadDocument("""
            apiVersion: gateway.solo.io/v1
            kind: VirtualService
            metadata:
              name: storefront
              namespace: shop
            """);

        DiagnosticAssert.Single(document.Diagnostics, DiagnosticSeverity.Error, "spec", 1, 1, "missing 'spec'");
    }

    [Fact]
    public void MissingKind_OutsideGlooLayout_IsAnError()
    {
        var file = Yaml.LoadFile("""
            apiVersion: gloo.solo.io/v1
            metadata: {name: catalog, namespace: shop}
            spec:
              static:
                hosts: [{addr: catalog.shop.svc, port: 8080}]
            """);

        var document = Assert.Single(file.Documents);
        var error = DiagnosticAssert.Single(document.Diagnostics, DiagnosticSeverity.Error, string.Empty, 1, 1, "missing 'kind'");
        Assert.Equal("Document", error.Kind);
        Assert.True(file.Unreadable);
    }

    [Fact]
    public void NonSluiceKind_IsIgnoredWithAWarning()
    {
        var file = Yaml.LoadFile("""
            apiVersion: apps/v1
            kind: Deployment
            metadata:
              name: catalog
              namespace: shop
            spec:
              replicas: 2
              template:
                spec:
                  containers:
                    - name: catalog
                      image: registry.example.com/catalog:1.4.2
            """);

        var document = Assert.Single(file.Documents);
        var warning = DiagnosticAssert.Single(document.Diagnostics, DiagnosticSeverity.Warning, "kind", 1, 1, "kind 'Deployment' is not a Sluice resource; the document is ignored");
        Assert.Equal("Deployment", warning.Kind);
        Assert.Null(document.Id);
        Assert.Null(document.Resource);
        Assert.False(document.HasErrors);
        Assert.False(file.Unreadable);
    }

    [Fact]
    public void GlooKindSluiceDoesNotUse_IsIgnoredWithAWarningNamingGloo()
    {
        var document = Yaml.LoadDocument("""
            apiVersion: gloo.solo.io/v1
            kind: Settings
            metadata:
              name: default
              namespace: gloo-system
            spec:
              discoveryNamespace: gloo-system
            """);

        DiagnosticAssert.Single(document.Diagnostics, DiagnosticSeverity.Warning, "kind", 1, 1, "kind 'Settings' is a Gloo resource Sluice does not use; the document is ignored");
        Assert.Null(document.Resource);
    }

    [Fact]
    public void DocumentThatIsNotAMapping_IsAnError()
    {
        var file = Yaml.LoadFile("""
            - apiVersion: gloo.solo.io/v1
              kind: Upstream
            """);

        DiagnosticAssert.Single(Assert.Single(file.Documents).Diagnostics, DiagnosticSeverity.Error, string.Empty, 1, 1, "a resource document must be a mapping");
        Assert.True(file.Unreadable);
    }

    private static string SpecFor(string kind) => kind switch
    {
        "Upstream" => "{static: {hosts: [{addr: catalog.shop.svc, port: 8080}]}}",
        "UpstreamGroup" => "{destinations: [{weight: 1, destination: {upstream: {name: catalog}}}]}",
        "VirtualService" => "{virtualHost: {routes: [{routeAction: {single: {upstream: {name: catalog}}}}]}}",
        "RouteTable" => "{routes: [{routeAction: {single: {upstream: {name: catalog}}}}]}",
        "Gateway" => "{bindPort: 8080}",
        _ => throw new ArgumentOutOfRangeException(nameof(kind)),
    };
}
