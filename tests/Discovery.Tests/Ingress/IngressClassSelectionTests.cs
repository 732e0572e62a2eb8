using Sluice.Discovery.Ingress;

namespace Sluice.Discovery.Tests.Ingress;

/// <summary>Which Ingresses Sluice implements: exactly the Kubernetes rules, and others are left alone entirely.</summary>
public sealed class IngressClassSelectionTests
{
    private const string OtherClass = """
        apiVersion: networking.k8s.io/v1
        kind: IngressClass
        metadata:
          name: nginx
          annotations: { ingressclass.kubernetes.io/is-default-class: "true" }
        spec:
          controller: k8s.io/ingress-nginx
        ---

        """;

    private const string OurDefaultClass = """
        apiVersion: networking.k8s.io/v1
        kind: IngressClass
        metadata:
          name: edge
          annotations: { ingressclass.kubernetes.io/is-default-class: "true" }
        spec:
          controller: gateway.sluice.dev/ingress-controller
        ---

        """;

    private static string Ingress(string classFields) => $"""
        apiVersion: networking.k8s.io/v1
        kind: Ingress
        metadata:
          name: shop
        {classFields}
          defaultBackend: {"{ service: { name: web, port: { number: 80 } } }"}
        ---
        {IngressYaml.Upstream("default", "web", 80)}
        """;

    private const string NoClass = "spec:";

    [Theory]
    [InlineData(IngressYaml.OurClass, "spec:\n  ingressClassName: sluice", true)]
    [InlineData(OtherClass, "spec:\n  ingressClassName: nginx", false)]
    [InlineData(IngressYaml.OurClass, "spec:\n  ingressClassName: some-invalid-class-name", false)]
    [InlineData("", "  annotations: { kubernetes.io/ingress.class: sluice }\nspec:", true)]
    [InlineData(IngressYaml.OurClass, "  annotations: { kubernetes.io/ingress.class: nginx }\nspec:", false)]
    [InlineData(OurDefaultClass, NoClass, true)]
    [InlineData(IngressYaml.OurClass, NoClass, false)]
    [InlineData(OtherClass, NoClass, false)]
    [InlineData("", NoClass, false)]
    public void IsOurs_FollowsKubernetesClassRules(string classes, string classFields, bool ours)
    {
        var index = IngressYaml.Index(classes + Ingress(classFields));
        var ingress = index.All.OfType<Sluice.Discovery.Ingress.Ingress>().Single();

        Assert.Equal(ours, new IngressClassSelector(index, IngressControllerSettings.Default).IsOurs(ingress));
        Assert.Equal(ours, new IngressConverter(IngressControllerSettings.Default).Convert(index).DefaultBackend is not null);
    }

    [Fact]
    public void ClassAndControllerNames_AreConfigurable()
    {
        var settings = IngressControllerSettings.Default with { ControllerName = "example.com/edge", ClassName = "edge" };
        var index = IngressYaml.Index("""
            apiVersion: networking.k8s.io/v1
            kind: IngressClass
            metadata: { name: public }
            spec: { controller: example.com/edge }
            ---
            apiVersion: networking.k8s.io/v1
            kind: Ingress
            metadata: { name: by-class }
            spec:
              ingressClassName: public
              defaultBackend: { service: { name: web, port: { number: 80 } } }
            ---
            apiVersion: networking.k8s.io/v1
            kind: Ingress
            metadata:
              name: by-annotation
              annotations: { kubernetes.io/ingress.class: edge }
            spec:
              rules: [{ host: a.example.com, http: { paths: [{ path: /, pathType: Prefix, backend: { service: { name: web, port: { number: 80 } } } }] } }]
            ---
            apiVersion: networking.k8s.io/v1
            kind: Ingress
            metadata:
              name: default-name
              annotations: { kubernetes.io/ingress.class: sluice }
            spec:
              rules: [{ host: b.example.com, http: { paths: [{ path: /, pathType: Prefix, backend: { service: { name: web, port: { number: 80 } } } }] } }]
            """);

        var plan = new IngressConverter(settings).Convert(index);

        Assert.NotNull(plan.DefaultBackend);
        Assert.Equal(["a.example.com"], plan.Hosts.Select(h => h.Host));
    }

    [Fact]
    public void ForeignIngress_IsNeverValidatedNorReported()
    {
        // Invalid by our rules (a regex in a Prefix path, a port by name), but it belongs to nginx.
        var yaml = OtherClass + """
            apiVersion: networking.k8s.io/v1
            kind: Ingress
            metadata: { name: theirs }
            spec:
              ingressClassName: nginx
              rules:
                - host: shop.example.com
                  http:
                    paths:
                      - { path: "/api/(.*)", pathType: Prefix, backend: { service: { name: web, port: { name: http } } } }
            """;

        var plan = IngressYaml.Convert(yaml);

        Assert.True(plan.IsEmpty);
        Assert.Empty(plan.Problems);
    }
}
