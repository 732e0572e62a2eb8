using Sluice.Discovery.Model;

namespace Sluice.Discovery.Tests.Loading;

public class DiagnosticFormatTests
{
    [Fact]
    public void ToString_LoaderError_PrintsFileLineColumnSeverityResourcePathMessage()
    {
        var document = Yaml.LoadDocument("""
            apiVersion: gateway.sluice.dev/v1
            kind: VirtualService
            metadata:
              name: storefront
              namespace: shop
            spec:
              virtualHost:
                domains: [shop.example.com]
                routes:
                  - matcher:
                      - prefix: /api
                    routeAction:
                      single:
                        upstream: {name: catalog}
            """, path: "config/shop/storefront.yaml");

        Assert.Equal(
            "config/shop/storefront.yaml:10:9: error: VirtualService shop/storefront: virtualHost.routes[0].matcher: unknown field 'matcher' (did you mean 'matchers'?); expected one of: name, matchers, routeAction, redirectAction, directResponseAction, delegateAction, options",
            Assert.Single(document.Diagnostics).ToString());
    }

    [Fact]
    public void ToString_Warning_PrintsWarning()
    {
        var document = Yaml.LoadDocument("""
            apiVersion: apps/v1
            kind: Deployment
            metadata: {name: catalog}
            """);

        Assert.Equal(
            "config/shop.yaml:1:1: warning: Deployment -/-: kind: kind 'Deployment' is not a Sluice resource; the document is ignored",
            Assert.Single(document.Diagnostics).ToString());
    }

    [Fact]
    public void ToString_EmptyFieldPath_PrintsDash()
    {
        var diagnostic = new Diagnostic(DiagnosticSeverity.Error, "upstreams.yaml", new SourcePosition(3, 1), "Upstream", "shop", "catalog", string.Empty,
            "an Upstream needs a type; Sluice supports 'static' (hosts and ports) for now");

        Assert.Equal("upstreams.yaml:3:1: error: Upstream shop/catalog: -: an Upstream needs a type; Sluice supports 'static' (hosts and ports) for now", diagnostic.ToString());
    }
}
