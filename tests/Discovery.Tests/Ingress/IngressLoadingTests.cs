using Sluice.Discovery.Ingress;
using Sluice.Discovery.Model;

namespace Sluice.Discovery.Tests.Ingress;

/// <summary>Ingress and IngressClass load from files in their Kubernetes shape, field for field.</summary>
public sealed class IngressLoadingTests
{
    [Fact]
    public void Ingress_LoadsEveryFieldAndIgnoresStatus()
    {
        var ingress = Yaml.LoadOne<Sluice.Discovery.Ingress.Ingress>("""
            apiVersion: networking.k8s.io/v1
            kind: Ingress
            metadata:
              name: shop
              namespace: web
              creationTimestamp: "2024-05-01T10:00:00Z"
              annotations:
                kubernetes.io/ingress.class: sluice
            spec:
              ingressClassName: sluice
              defaultBackend:
                service:
                  name: fallback
                  port: { number: 80 }
              tls:
                - hosts: [shop.example.com]
                  secretName: shop-tls
              rules:
                - host: shop.example.com
                  http:
                    paths:
                      - path: /api
                        pathType: Prefix
                        backend:
                          service:
                            name: api
                            port: { name: http }
                      - path: /static
                        pathType: ImplementationSpecific
                        backend:
                          resource: { apiGroup: k8s.example.com, kind: StorageBucket, name: static-assets }
            status:
              loadBalancer:
                ingress:
                  - ip: 203.0.113.7
            """);

        Assert.Equal(new ResourceId(ResourceKind.Ingress, "web", "shop"), ingress.Id);
        Assert.Equal("2024-05-01T10:00:00Z", ingress.Metadata.CreationTimestamp);
        Assert.Equal("sluice", ingress.Spec.IngressClassName);
        Assert.Equal(80, ingress.Spec.DefaultBackend!.Service!.Port!.Number);
        Assert.Equal(["shop.example.com"], ingress.Spec.Tls[0].Hosts);
        Assert.Equal("shop-tls", ingress.Spec.Tls[0].SecretName);
        var paths = ingress.Spec.Rules[0].Http!.Paths;
        Assert.Equal("shop.example.com", ingress.Spec.Rules[0].Host);
        Assert.Equal(("/api", "Prefix", "http"), (paths[0].Path, paths[0].PathType, paths[0].Backend!.Service!.Port!.Name));
        Assert.Equal("StorageBucket", paths[1].Backend!.Resource!.Kind);
    }

    [Fact]
    public void IngressClass_LoadsWithParametersAndDefaultAnnotation()
    {
        var ingressClass = Yaml.LoadOne<IngressClass>("""
            apiVersion: networking.k8s.io/v1
            kind: IngressClass
            metadata:
              name: sluice
              annotations:
                ingressclass.kubernetes.io/is-default-class: "true"
            spec:
              controller: gateway.sluice.dev/ingress-controller
              parameters:
                apiGroup: gateway.sluice.dev
                kind: Settings
                name: ingress
                scope: Cluster
            """);

        Assert.Equal("gateway.sluice.dev/ingress-controller", ingressClass.Spec.Controller);
        Assert.True(ingressClass.IsDefault);
        Assert.Equal("Cluster", ingressClass.Spec.Parameters!.Scope);
    }

    [Theory]
    [InlineData("gateway.sluice.dev/v1")]
    [InlineData("extensions/v1beta1")]
    [InlineData("networking.k8s.io/v1beta1")]
    public void Ingress_OnlyUnderNetworkingV1(string apiVersion)
    {
        var document = Yaml.LoadDocument($"""
            apiVersion: {apiVersion}
            kind: Ingress
            metadata: {"{ name: shop }"}
            spec:
              defaultBackend: {"{ service: { name: web, port: { number: 80 } } }"}
            """);

        Assert.Null(document.Resource);
        DiagnosticAssert.Single(document.Diagnostics, DiagnosticSeverity.Error, "apiVersion", 1, 13, "use networking.k8s.io/v1");
    }

    [Fact]
    public void VirtualService_IsNotServedUnderNetworkingV1()
    {
        var document = Yaml.LoadDocument("""
            apiVersion: networking.k8s.io/v1
            kind: VirtualService
            metadata: { name: shop }
            spec:
              virtualHost: { domains: ["*"] }
            """);

        DiagnosticAssert.Single(document.Diagnostics, DiagnosticSeverity.Error, "apiVersion", 1, 13, "use gateway.sluice.dev/v1");
    }

    [Fact]
    public void UnknownField_IsReportedWithItsPosition()
    {
        var document = Yaml.LoadDocument("""
            apiVersion: networking.k8s.io/v1
            kind: Ingress
            metadata: { name: shop }
            spec:
              rules:
                - host: shop.example.com
                  http:
                    paths:
                      - path: /
                        pathTyp: Prefix
            """);

        DiagnosticAssert.Single(document.Diagnostics, DiagnosticSeverity.Error, "rules[0].http.paths[0].pathTyp", 10, 13, "did you mean 'pathType'");
    }
}
