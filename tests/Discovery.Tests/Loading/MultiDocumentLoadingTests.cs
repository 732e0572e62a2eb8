using Sluice.Discovery.Model;
using Sluice.Discovery.Validation;

namespace Sluice.Discovery.Tests.Loading;

public class MultiDocumentLoadingTests
{
    [Fact]
    public void SyntaxErrorInSecondDocument_FirstAndThirdStillLoad_ErrorLineCountsFromFileStart()
    {
        var file = Yaml.LoadFile("""
            apiVersion: gloo.solo.io/v1
            kind: Upstream
            metadata:
              name: catalog
              namespace: shop
            spec:
              static:
                hosts:
                  - addr: catalog.shop.svc
                    port: 8080
            ---
            apiVersion: gloo.solo.io/v1
            kind: Upstream
            metadata:
              name: payments
               namespace: shop
            spec:
              static:
                hosts:
                  - addr: payments.shop.svc
                    port: 8080
            ---
            apiVersion: gloo.solo.io/v1
            kind: Upstream
            metadata:
              name: inventory
              namespace: shop
            spec:
              static:
                hosts:
                  - addr: inventory.shop.svc
                    port: 8080
            """);

        Assert.Equal(3, file.Documents.Count);
        Assert.True(file.Unreadable);
        Assert.Equal(new ResourceId(ResourceKind.Upstream, "shop", "catalog"), file.Documents[0].Resource?.Id);
        Assert.Equal(new ResourceId(ResourceKind.Upstream, "shop", "inventory"), file.Documents[2].Resource?.Id);
        Assert.Empty(file.Documents[0].Diagnostics);
        Assert.Empty(file.Documents[2].Diagnostics);

        var broken = file.Documents[1];
        Assert.Null(broken.Id);
        Assert.Null(broken.Resource);
        // Line 16 of the file ("   namespace: shop", one space too many), not line 5 of the second document.
        var error = DiagnosticAssert.Single(broken.Diagnostics, DiagnosticSeverity.Error, string.Empty, 16, 13, "invalid YAML: ");
        Assert.Equal("Document", error.Kind);
    }

    [Fact]
    public void LaterDocuments_BindingAndValidationPositions_CountFromFileStart()
    {
        var file = Yaml.LoadFile("""
            apiVersion: gloo.solo.io/v1
            kind: Upstream
            metadata: {name: catalog, namespace: shop}
            spec:
              static:
                hosts: [{addr: catalog.shop.svc, port: 8080}]
            ---
            apiVersion: gloo.solo.io/v1
            kind: Upstream
            metadata: {name: payments, namespace: shop}
            spec:
              static:
                hosts:
                  - addr: payments.shop.svc
                    port: 0
            ---
            apiVersion: gloo.solo.io/v1
            kind: Upstream
            metadata: {name: inventory, namespace: shop}
            spec:
              static:
                hostz:
                  - addr: inventory.shop.svc
                    port: 8080
            """);

        Assert.Equal(3, file.Documents.Count);
        var payments = Assert.IsType<Upstream>(file.Documents[1].Resource);
        DiagnosticAssert.Single(ResourceValidator.Validate(payments), DiagnosticSeverity.Error, "static.hosts[0].port", 15, 15, "port must be between 1 and 65535, got 0");

        DiagnosticAssert.Single(file.Documents[2].Diagnostics, DiagnosticSeverity.Error, "static.hostz", 22, 5, "unknown field 'hostz' (did you mean 'hosts'?)");
        Assert.Equal(new ResourceId(ResourceKind.Upstream, "shop", "inventory"), file.Documents[2].Id);
    }

    [Fact]
    public void EmptyDocumentsAndDocumentEndMarkers_AreSkipped()
    {
        var resources = Yaml.LoadClean("""
            ---
            # catalog service
            apiVersion: gloo.solo.io/v1
            kind: Upstream
            metadata: {name: catalog, namespace: shop}
            spec:
              static:
                hosts: [{addr: catalog.shop.svc, port: 8080}]
            ...
            ---
            ---
            apiVersion: gloo.solo.io/v1
            kind: Upstream
            metadata: {name: payments, namespace: shop}
            spec:
              static:
                hosts: [{addr: payments.shop.svc, port: 8080}]
            """);

        Assert.Equal(["catalog", "payments"], resources.Select(r => r.Metadata.Name));
    }

    [Fact]
    public void KindList_LoadsEveryItem_AndWarnsAboutNonSluiceItems()
    {
        var file = Yaml.LoadFile("""
            apiVersion: v1
            kind: List
            metadata:
              resourceVersion: ""
            items:
              - apiVersion: gloo.solo.io/v1
                kind: Upstream
                metadata: {name: catalog, namespace: shop}
                spec:
                  static:
                    hosts: [{addr: catalog.shop.svc, port: 8080}]
              - apiVersion: apps/v1
                kind: Deployment
                metadata: {name: catalog, namespace: shop}
                spec: {replicas: 2}
              - apiVersion: gateway.solo.io/v1
                kind: VirtualService
                metadata: {name: storefront, namespace: shop}
                spec:
                  virtualHost:
                    domains: [shop.example.com]
                    routes:
                      - routeAction: {single: {upstream: {name: catalog}}}
            """);

        Assert.False(file.Unreadable);
        Assert.Equal(3, file.Documents.Count);
        Assert.Equal(new ResourceId(ResourceKind.Upstream, "shop", "catalog"), file.Documents[0].Resource?.Id);
        Assert.Equal(new ResourceId(ResourceKind.VirtualService, "shop", "storefront"), file.Documents[2].Resource?.Id);
        Assert.Empty(file.Documents[0].Diagnostics);
        Assert.Empty(file.Documents[2].Diagnostics);
        DiagnosticAssert.Single(file.Documents[1].Diagnostics, DiagnosticSeverity.Warning, "kind", 12, 5, "kind 'Deployment' is not a Sluice resource; the document is ignored");
    }

    [Fact]
    public void KindList_InLaterDocument_ItemPositionsCountFromFileStart()
    {
        var file = Yaml.LoadFile("""
            apiVersion: gloo.solo.io/v1
            kind: Upstream
            metadata: {name: catalog, namespace: shop}
            spec:
              static:
                hosts: [{addr: catalog.shop.svc, port: 8080}]
            ---
            apiVersion: v1
            kind: List
            items:
              - apiVersion: gloo.solo.io/v1
                kind: Upstream
                metadata: {name: payments, namespace: shop}
                spec:
                  static:
                    hosts:
                      - addr: payments.shop.svc
                        port: http
            """);

        Assert.Equal(2, file.Documents.Count);
        DiagnosticAssert.Single(file.Documents[1].Diagnostics, DiagnosticSeverity.Error, "static.hosts[0].port", 18, 19, "expected an integer, got 'http'");
    }
}
