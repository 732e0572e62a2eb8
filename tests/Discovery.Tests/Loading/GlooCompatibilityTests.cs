using Sluice.Discovery.Model;

namespace Sluice.Discovery.Tests.Loading;

public class GlooCompatibilityTests
{
    private static string SupportedOptions => string.Join(", ", Sluice.Filters.FilterRegistry.Default.OptionNames.Order(StringComparer.Ordinal));

    [Fact]
    public void UnsupportedGlooOption_Waf_IsAnError()
    {
        var document = Yaml.LoadDocument("""
            apiVersion: gateway.solo.io/v1
            kind: VirtualService
            metadata: {name: storefront, namespace: shop}
            spec:
              virtualHost:
                domains: [shop.example.com]
                routes:
                  - matchers: [{prefix: /account}]
                    routeAction: {single: {upstream: {name: account}}}
                    options:
                      waf:
                        disabled: false
            """);

        DiagnosticAssert.Single(document.Diagnostics, DiagnosticSeverity.Error, "virtualHost.routes[0].options.waf", 11, 11,
            "Gloo option 'waf' is not supported by Sluice yet; remove it or the resource cannot be served as written");
        Assert.Null(document.Resource);
    }

    [Fact]
    public void UnsupportedGlooOption_Tracing_IsAWarningAndTheResourceLoads()
    {
        var document = Yaml.LoadDocument("""
            apiVersion: gateway.solo.io/v1
            kind: VirtualService
            metadata: {name: storefront, namespace: shop}
            spec:
              virtualHost:
                domains: [shop.example.com]
                options:
                  tracing:
                    routeDescriptor: storefront
                    propagate: true
                routes:
                  - matchers: [{prefix: /}]
                    routeAction: {single: {upstream: {name: storefront}}}
            """);

        DiagnosticAssert.Single(document.Diagnostics, DiagnosticSeverity.Warning, "virtualHost.options.tracing", 8, 7,
            "Gloo option 'tracing' is not supported by Sluice yet and is ignored");
        var virtualService = Assert.IsType<VirtualService>(document.Resource);
        Assert.True(virtualService.Spec.VirtualHost.Options.IsEmpty);
    }

    [Fact]
    public void UnsupportedGlooUpstreamType_Kube_IsAnError()
    {
        var document = Yaml.LoadDocument("""
            apiVersion: gloo.solo.io/v1
            kind: Upstream
            metadata:
              name: default-petstore-8080
              namespace: gloo-system
            spec:
              kube:
                serviceName: petstore
                serviceNamespace: default
                servicePort: 8080
            """);

        DiagnosticAssert.Single(document.Diagnostics, DiagnosticSeverity.Error, "kube", 7, 3,
            "Gloo field 'kube' is not supported by Sluice yet; remove it or the resource cannot be served as written");
        Assert.Null(document.Resource);
    }

    [Fact]
    public void UnsupportedGlooField_WarningOnly_ResourceStillLoads()
    {
        var document = Yaml.LoadDocument("""
            apiVersion: gateway.solo.io/v1
            kind: Gateway
            metadata: {name: gateway-proxy, namespace: gloo-system}
            spec:
              bindAddress: "::"
              bindPort: 8080
              httpGateway: {}
              useProxyProto: false
            """);

        DiagnosticAssert.Single(document.Diagnostics, DiagnosticSeverity.Warning, "useProxyProto", 8, 3, "Gloo field 'useProxyProto' is not supported by Sluice yet and is ignored");
        Assert.IsType<Gateway>(document.Resource);
    }

    [Fact]
    public void UnknownOption_NearMiss_SuggestsAndListsSupportedOptions()
    {
        var document = Yaml.LoadDocument("""
            apiVersion: gateway.solo.io/v1
            kind: RouteTable
            metadata: {name: catalog-routes, namespace: shop}
            spec:
              routes:
                - matchers: [{prefix: /api/catalog}]
                  routeAction: {single: {upstream: {name: catalog}}}
                  options:
                    timout: 15s
            """);

        DiagnosticAssert.Single(document.Diagnostics, DiagnosticSeverity.Error, "routes[0].options.timout", 9, 9,
            "unknown option 'timout' (did you mean 'timeout'?); supported options: " + SupportedOptions);
        Assert.Null(document.Resource);
    }

    [Fact]
    public void UnknownOption_NothingClose_NoSuggestion()
    {
        var document = Yaml.LoadDocument("""
            apiVersion: gateway.solo.io/v1
            kind: RouteTable
            metadata: {name: catalog-routes, namespace: shop}
            spec:
              routes:
                - matchers: [{prefix: /api/catalog}]
                  routeAction: {single: {upstream: {name: catalog}}}
                  options:
                    responseCompression: true
            """);

        var error = DiagnosticAssert.Single(document.Diagnostics, DiagnosticSeverity.Error, "routes[0].options.responseCompression", 9, 9,
            "unknown option 'responseCompression'; supported options: " + SupportedOptions);
        Assert.DoesNotContain("did you mean", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void OptionValidation_ReportsThroughTheOptionsPath()
    {
        var document = Yaml.LoadDocument("""
            apiVersion: gateway.solo.io/v1
            kind: RouteTable
            metadata: {name: catalog-routes, namespace: shop}
            spec:
              routes:
                - matchers: [{prefix: /api/catalog}]
                  routeAction: {single: {upstream: {name: catalog}}}
                  options:
                    prefixRewrite: catalog
            """);

        DiagnosticAssert.Single(document.Diagnostics, DiagnosticSeverity.Error, "routes[0].options.prefixRewrite", 9, 9, "prefixRewrite must start with '/', got 'catalog'");
    }

    [Fact]
    public void KubernetesServerMetadata_IsAcceptedAndKnownFieldsBound()
    {
        var virtualService = Yaml.LoadOne<VirtualService>("""
            apiVersion: gateway.solo.io/v1
            kind: VirtualService
            metadata:
              name: storefront
              namespace: shop
              uid: 3f0c6a8e-5d1b-4a53-9b6e-0c2f1d7a9e41
              resourceVersion: "81234"
              generation: 3
              creationTimestamp: "2024-05-01T10:00:00Z"
              labels:
                app.kubernetes.io/part-of: shop
              annotations:
                kubectl.kubernetes.io/last-applied-configuration: |
                  {"apiVersion":"gateway.solo.io/v1","kind":"VirtualService"}
              finalizers:
                - gateway.solo.io/finalizer
              ownerReferences:
                - apiVersion: apps/v1
                  kind: Deployment
                  name: storefront
                  uid: 0b9f0e7a-1111-2222-3333-444455556666
              managedFields:
                - apiVersion: gateway.solo.io/v1
                  fieldsType: FieldsV1
                  fieldsV1:
                    f:spec:
                      f:virtualHost: {}
                  manager: kubectl-client-side-apply
                  operation: Update
                  time: "2024-05-01T10:00:00Z"
            spec:
              virtualHost:
                domains: [shop.example.com]
                routes:
                  - matchers: [{prefix: /}]
                    routeAction: {single: {upstream: {name: storefront}}}
            """);

        Assert.Equal(3, virtualService.Metadata.Generation);
        Assert.Equal("81234", virtualService.Metadata.ResourceVersion);
        Assert.Equal("shop", virtualService.Metadata.Labels["app.kubernetes.io/part-of"]);
        Assert.StartsWith("{\"apiVersion\"", virtualService.Metadata.Annotations["kubectl.kubernetes.io/last-applied-configuration"], StringComparison.Ordinal);
    }

    [Fact]
    public void Status_IsAcceptedAndIgnored()
    {
        var upstream = Yaml.LoadOne<Upstream>("""
            apiVersion: gloo.solo.io/v1
            kind: Upstream
            metadata: {name: catalog, namespace: shop}
            spec:
              static:
                hosts: [{addr: catalog.shop.svc, port: 8080}]
            status:
              statuses:
                gloo-system:
                  reportedBy: gloo
                  state: Accepted
                  details: [not, a, schema, field]
            """);

        Assert.Equal("catalog.shop.svc", Assert.Single(upstream.Spec.Static!.Hosts).Addr);
    }

    [Fact]
    public void GlooFileLayout_InfersKindNamespaceNameAndReadsTopLevelSpec()
    {
        var virtualService = Yaml.LoadOne<VirtualService>("""
            virtualHost:
              domains: [shop.example.com]
              routes:
                - matchers: [{prefix: /}]
                  routeAction: {single: {upstream: {name: catalog}}}
            """, path: "/etc/gloo/virtualservices/shop/storefront.yaml");

        Assert.Equal(new ResourceId(ResourceKind.VirtualService, "shop", "storefront"), virtualService.Id);
        Assert.Equal("gateway.solo.io/v1", virtualService.ApiVersion);
        Assert.Equal(["shop.example.com"], virtualService.Spec.VirtualHost.Domains);
        Assert.Equal("/etc/gloo/virtualservices/shop/storefront.yaml", virtualService.Origin.File);
    }

    [Fact]
    public void GlooFileLayout_AsGlooWritesIt_WithMetadataAndStatus()
    {
        var upstream = Yaml.LoadOne<Upstream>("""
            metadata:
              name: catalog
              namespace: shop
            static:
              hosts:
                - addr: catalog.shop.svc
                  port: 8080
            status:
              state: 1
              reportedBy: gloo
            """, path: "gloo/upstreams/shop/catalog.yaml");

        Assert.Equal(new ResourceId(ResourceKind.Upstream, "shop", "catalog"), upstream.Id);
        Assert.Equal("gloo.solo.io/v1", upstream.ApiVersion);
        Assert.Equal(8080u, Assert.Single(upstream.Spec.Static!.Hosts).Port);
    }

    [Fact]
    public void GlooFileLayout_UnknownTopLevelField_ReportedAsSpecField()
    {
        var document = Yaml.LoadDocument("""
            staticc:
              hosts:
                - addr: catalog.shop.svc
                  port: 8080
            """, path: "gloo/upstreams/shop/catalog.yaml");

        DiagnosticAssert.Single(document.Diagnostics, DiagnosticSeverity.Error, "staticc", 1, 1, "unknown field 'staticc' (did you mean 'static'?)");
        Assert.Equal(new ResourceId(ResourceKind.Upstream, "shop", "catalog"), document.Id);
    }

    [Fact]
    public void GlooFileLayout_MetadataWithoutName_TakesNameFromFile()
    {
        var upstream = Yaml.LoadOne<Upstream>("""
            metadata:
              namespace: shop
              labels: {team: catalog}
            static:
              hosts:
                - addr: catalog.shop.svc
                  port: 8080
            """, path: "gloo/upstreams/shop/catalog.yaml");

        Assert.Equal(new ResourceId(ResourceKind.Upstream, "shop", "catalog"), upstream.Id);
    }

    [Fact]
    public void PathOutsideGlooLayout_DoesNotInferKind()
    {
        var document = Yaml.LoadDocument("""
            static:
              hosts: [{addr: catalog.shop.svc, port: 8080}]
            """, path: "config/shop/catalog.yaml");

        DiagnosticAssert.Single(document.Diagnostics, DiagnosticSeverity.Error, string.Empty, 1, 1, "missing 'kind'");
    }
}
