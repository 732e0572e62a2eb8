using Sluice.Discovery.Model;

namespace Sluice.Discovery.Tests.Loading;

public class SchemaDiagnosticsTests
{
    [Fact]
    public void UnknownField_NearMiss_ErrorAtKeyWithDidYouMean()
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
            """);

        DiagnosticAssert.Single(document.Diagnostics, DiagnosticSeverity.Error, "virtualHost.routes[0].matcher", 10, 9,
            "unknown field 'matcher' (did you mean 'matchers'?); expected one of: name, matchers, routeAction, redirectAction, directResponseAction, delegateAction, options");
        Assert.Null(document.Resource);
        Assert.Equal(new ResourceId(ResourceKind.VirtualService, "shop", "storefront"), document.Id);
    }

    [Fact]
    public void UnknownField_NothingClose_ListsExpectedFieldsWithoutSuggestion()
    {
        var document = Yaml.LoadDocument("""
            apiVersion: gateway.sluice.dev/v1
            kind: VirtualService
            metadata: {name: storefront, namespace: shop}
            spec:
              virtualHost:
                routes:
                  - matchers: [{prefix: /api}]
                    retryPolicy: {numRetries: 3}
                    routeAction: {single: {upstream: {name: catalog}}}
            """);

        var error = DiagnosticAssert.Single(document.Diagnostics, DiagnosticSeverity.Error, "virtualHost.routes[0].retryPolicy", 8, 9,
            "unknown field 'retryPolicy'; expected one of: name, matchers,");
        Assert.DoesNotContain("did you mean", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void SpecFieldAtTopLevel_InKubernetesForm_IsAnError()
    {
        var document = Yaml.LoadDocument("""
            apiVersion: gloo.solo.io/v1
            kind: Upstream
            metadata: {name: catalog, namespace: shop}
            static:
              hosts: [{addr: catalog.shop.svc, port: 8080}]
            spec:
              static:
                hosts: [{addr: catalog.shop.svc, port: 8080}]
            """);

        DiagnosticAssert.Single(document.Diagnostics, DiagnosticSeverity.Error, "static", 4, 1, "unknown top-level field 'static'; resource fields belong under 'spec'");
    }

    [Fact]
    public void StringWhereListExpected_ErrorAtValue()
    {
        var document = Yaml.LoadDocument("""
            apiVersion: gateway.solo.io/v1
            kind: VirtualService
            metadata: {name: storefront, namespace: shop}
            spec:
              virtualHost:
                domains: shop.example.com
                routes:
                  - routeAction: {single: {upstream: {name: catalog}}}
            """);

        DiagnosticAssert.Single(document.Diagnostics, DiagnosticSeverity.Error, "virtualHost.domains", 6, 14, "expected a list, got a scalar");
        Assert.Null(document.Resource);
    }

    [Fact]
    public void MappingWhereListExpected_ErrorAtValue()
    {
        var document = Yaml.LoadDocument("""
            apiVersion: gateway.solo.io/v1
            kind: RouteTable
            metadata: {name: catalog-routes, namespace: shop}
            spec:
              routes:
                - matchers:
                    prefix: /api/catalog
                  routeAction: {single: {upstream: {name: catalog}}}
            """);

        DiagnosticAssert.Single(document.Diagnostics, DiagnosticSeverity.Error, "routes[0].matchers", 7, 9, "expected a list, got a mapping");
    }

    [Fact]
    public void BindPortNotANumber_ErrorAtValue()
    {
        var document = Yaml.LoadDocument("""
            apiVersion: gateway.solo.io/v1
            kind: Gateway
            metadata: {name: gateway-proxy, namespace: gloo-system}
            spec:
              bindAddress: "::"
              bindPort: abc
            """);

        DiagnosticAssert.Single(document.Diagnostics, DiagnosticSeverity.Error, "bindPort", 6, 13, "expected an integer, got 'abc'");
        Assert.Null(document.Resource);
    }

    [Fact]
    public void NegativeUnsignedInteger_IsOutOfRange()
    {
        var document = Yaml.LoadDocument("""
            apiVersion: gateway.solo.io/v1
            kind: Gateway
            metadata: {name: gateway-proxy, namespace: gloo-system}
            spec:
              bindPort: -8080
            """);

        DiagnosticAssert.Single(document.Diagnostics, DiagnosticSeverity.Error, "bindPort", 5, 13, "must be between 0 and 4294967295, got -8080");
    }

    [Fact]
    public void BooleanNotTrueOrFalse_IsAnError()
    {
        var document = Yaml.LoadDocument("""
            apiVersion: gloo.solo.io/v1
            kind: Upstream
            metadata: {name: catalog, namespace: shop}
            spec:
              useHttp2: yes
              static:
                hosts: [{addr: catalog.shop.svc, port: 8080}]
            """);

        DiagnosticAssert.Single(document.Diagnostics, DiagnosticSeverity.Error, "useHttp2", 5, 13, "expected true or false, got 'yes'");
    }

    [Fact]
    public void UnknownEnumValue_ListsTheValues()
    {
        var document = Yaml.LoadDocument("""
            apiVersion: gateway.solo.io/v1
            kind: VirtualService
            metadata: {name: storefront, namespace: shop}
            spec:
              virtualHost:
                routes:
                  - matchers: [{prefix: /old}]
                    redirectAction:
                      pathRedirect: /new
                      responseCode: MOVED
            """);

        DiagnosticAssert.Single(document.Diagnostics, DiagnosticSeverity.Error, "virtualHost.routes[0].redirectAction.responseCode", 10, 25,
            "'MOVED' is not one of MOVED_PERMANENTLY, FOUND, SEE_OTHER, TEMPORARY_REDIRECT, PERMANENT_REDIRECT");
    }

    [Fact]
    public void MissingMetadataName_ErrorAtMetadata_DocumentHasNoIdentity()
    {
        var file = Yaml.LoadFile("""
            apiVersion: gloo.solo.io/v1
            kind: Upstream
            metadata:
              namespace: shop
            spec:
              static:
                hosts: [{addr: catalog.shop.svc, port: 8080}]
            """);

        var document = Assert.Single(file.Documents);
        var error = DiagnosticAssert.Single(document.Diagnostics, DiagnosticSeverity.Error, "metadata.name", 4, 3, "missing required field 'name'");
        Assert.Equal(("Upstream", "shop", "-"), (error.Kind, error.Namespace, error.Name));
        Assert.Null(document.Id);
        Assert.True(file.Unreadable);
    }

    [Fact]
    public void MissingMetadata_IsAnError()
    {
        var file = Yaml.LoadFile("""
            apiVersion: gloo.solo.io/v1
            kind: Upstream
            spec:
              static:
                hosts: [{addr: catalog.shop.svc, port: 8080}]
            """);

        var document = Assert.Single(file.Documents);
        DiagnosticAssert.Single(document.Diagnostics, DiagnosticSeverity.Error, "metadata.name", 1, 1, "name");
    }

    [Fact]
    public void MissingStaticHostPort_ErrorAtTheHost()
    {
        var document = Yaml.LoadDocument("""
            apiVersion: gloo.solo.io/v1
            kind: Upstream
            metadata: {name: catalog, namespace: shop}
            spec:
              static:
                hosts:
                  - addr: catalog.shop.svc
            """);

        DiagnosticAssert.Single(document.Diagnostics, DiagnosticSeverity.Error, "static.hosts[0].port", 7, 9, "missing required field 'port'");
        Assert.Null(document.Resource);
    }

    [Fact]
    public void MissingVirtualHost_IsAnError()
    {
        var document = Yaml.LoadDocument("""
            apiVersion: gateway.solo.io/v1
            kind: VirtualService
            metadata: {name: storefront, namespace: shop}
            spec: {}
            """);

        DiagnosticAssert.Single(document.Diagnostics, DiagnosticSeverity.Error, "virtualHost", 4, 7, "missing required field 'virtualHost'");
    }

    [Fact]
    public void EmptySpec_ReportsMissingRequiredFields()
    {
        var document = Yaml.LoadDocument("""
            apiVersion: gateway.solo.io/v1
            kind: VirtualService
            metadata: {name: storefront, namespace: shop}
            spec:
            """);

        var error = Assert.Single(document.Diagnostics);
        Assert.True(error.IsError);
        Assert.Equal("virtualHost", error.FieldPath);
        Assert.Equal(4, error.Position.Line);
        Assert.Contains("missing required field 'virtualHost'", error.Message, StringComparison.Ordinal);
        Assert.Null(document.Resource);
    }

    [Fact]
    public void EmptyListItem_IsAnError()
    {
        var document = Yaml.LoadDocument("""
            apiVersion: gateway.solo.io/v1
            kind: VirtualService
            metadata: {name: storefront, namespace: shop}
            spec:
              virtualHost:
                domains:
                  - shop.example.com
                  -
                routes:
                  - routeAction: {single: {upstream: {name: catalog}}}
            """);

        DiagnosticAssert.Single(document.Diagnostics, DiagnosticSeverity.Error, "virtualHost.domains[1]", 8, 8, "list items must not be empty");
    }
}
