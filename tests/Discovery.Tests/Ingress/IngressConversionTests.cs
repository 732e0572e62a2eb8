using Sluice.Discovery.Model;

namespace Sluice.Discovery.Tests.Ingress;

/// <summary>
/// Conversion with Kubernetes' semantics: paths of every Ingress for a host merged, longest first, Exact before
/// Prefix on equal paths, conflicts to the oldest Ingress, backends to Gloo-named Upstreams, TLS from Secrets.
/// </summary>
public sealed class IngressConversionTests
{
    private static string Ingress(string name, string rules, string? created = null, string ns = "default", string extraSpec = "") => $"""
        apiVersion: networking.k8s.io/v1
        kind: Ingress
        metadata:
          name: {name}
          namespace: {ns}
        {(created is null ? string.Empty : $"  creationTimestamp: \"{created}\"\n")}spec:
          ingressClassName: sluice
        {extraSpec}  rules:
        {rules}
        ---

        """;

    private static string Rule(string host, params (string Path, string Type, string Service)[] paths) =>
        $"    - host: \"{host}\"\n      http:\n        paths:\n"
        + string.Concat(paths.Select(p => $"          - {{ path: \"{p.Path}\", pathType: {p.Type}, backend: {{ service: {{ name: {p.Service}, port: {{ number: 80 }} }} }} }}\n"));

    private static string Upstreams(string ns, params string[] services) => string.Concat(services.Select(s => IngressYaml.Upstream(ns, s, 80)));

    [Fact]
    public void PathsOfAllIngressesForAHost_AreMergedLongestFirstExactBeforePrefix()
    {
        var yaml = IngressYaml.OurClass
            + Ingress("one", Rule("shop.example.com", ("/", "Prefix", "root"), ("/foo", "Prefix", "foo-prefix")))
            + Ingress("two", Rule("shop.example.com", ("/foo", "Exact", "foo-exact"), ("/foo/bar", "Prefix", "bar"), ("/foo/", "ImplementationSpecific", "foo-slash")))
            + Upstreams("default", "root", "foo-prefix", "foo-exact", "bar", "foo-slash");

        var plan = IngressYaml.Convert(yaml);

        Assert.Equal(
        [
            "ElementPrefix /foo/bar -> default/default-bar-80",
            "Exact /foo -> default/default-foo-exact-80",
            "ElementPrefix /foo -> default/default-foo-prefix-80",
            "ElementPrefix / -> default/default-root-80",
        ], IngressYaml.Describe(IngressYaml.Host(plan, "shop.example.com")));

        // ImplementationSpecific '/foo/' is Prefix '/foo' (the trailing slash is ignored): the same rule as one's.
        var conflict = Assert.Single(plan.Problems);
        Assert.Equal("two", conflict.Id.Name);
        Assert.Equal("rules[0].http.paths[2]", conflict.Diagnostic.FieldPath);
        Assert.Contains("also defined by the older Ingress default/one", conflict.Diagnostic.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Conflict_OldestCreationTimestampWins_ThenNamespaceAndName()
    {
        var yaml = IngressYaml.OurClass
            + Ingress("a-new", Rule("shop.example.com", ("/api", "Prefix", "new")), created: "2025-01-02T00:00:00Z")
            + Ingress("z-old", Rule("shop.example.com", ("/api", "Prefix", "old")), created: "2025-01-01T00:00:00Z")
            + Ingress("b-undated", Rule("shop.example.com", ("/api", "Prefix", "undated")))
            + Ingress("a-undated", Rule("shop.example.com", ("/api", "Prefix", "first-undated")), ns: "aaa")
            + Upstreams("default", "new", "old", "undated") + Upstreams("aaa", "first-undated");

        var plan = IngressYaml.Convert(yaml);

        Assert.Equal(["ElementPrefix /api -> default/default-old-80"], IngressYaml.Describe(IngressYaml.Host(plan, "shop.example.com")));
        Assert.Equal(["a-new", "a-undated", "b-undated"], plan.Problems.Select(p => p.Id.Name));
        Assert.All(plan.Problems, p => Assert.Equal(DiagnosticSeverity.Warning, p.Diagnostic.Severity));
        Assert.All(plan.Problems, p => Assert.False(p.Blocking));
    }

    [Fact]
    public void SamePathDifferentTypes_IsNoConflict()
    {
        var yaml = IngressYaml.OurClass
            + Ingress("mixed", Rule("mixed", ("/foo", "Prefix", "foo-prefix"), ("/foo", "Exact", "foo-exact")))
            + Upstreams("default", "foo-prefix", "foo-exact");

        var plan = IngressYaml.Convert(yaml);

        Assert.Empty(plan.Problems);
        Assert.Equal(["Exact /foo -> default/default-foo-exact-80", "ElementPrefix /foo -> default/default-foo-prefix-80"], IngressYaml.Describe(IngressYaml.Host(plan, "mixed")));
    }

    [Fact]
    public void HostsAreSeparate_AndRulesWithoutHostFormTheAnyHost()
    {
        var yaml = IngressYaml.OurClass
            + Ingress("hosts", Rule("*.foo.com", ("/", "Prefix", "wild")) + "    - http:\n        paths:\n          - { path: /any, pathType: Prefix, backend: { service: { name: any, port: { number: 80 } } } }\n")
            + Upstreams("default", "wild", "any");

        var plan = IngressYaml.Convert(yaml);

        Assert.Equal(["", "*.foo.com"], plan.Hosts.Select(h => h.Host));
        Assert.True(IngressYaml.Host(plan, "*.foo.com").IsWildcard);
        Assert.Equal(["ElementPrefix /any -> default/default-any-80"], IngressYaml.Describe(IngressYaml.Host(plan, "")));
    }

    [Fact]
    public void DefaultBackend_OldestWins()
    {
        const string Backend = "  defaultBackend: { service: { name: NAME, port: { number: 80 } } }\n";
        var yaml = IngressYaml.OurClass
            + Ingress("second", Rule("a.example.com", ("/", "Prefix", "a")), created: "2025-02-01T00:00:00Z", extraSpec: Backend.Replace("NAME", "late", StringComparison.Ordinal))
            + Ingress("first", Rule("b.example.com", ("/", "Prefix", "b")), created: "2025-01-01T00:00:00Z", extraSpec: Backend.Replace("NAME", "early", StringComparison.Ordinal))
            + Upstreams("default", "a", "b", "late", "early");

        var plan = IngressYaml.Convert(yaml);

        Assert.Equal("default-early-80", plan.DefaultBackend!.Upstream.Name);
        var problem = Assert.Single(plan.Problems);
        Assert.Equal(("second", "defaultBackend"), (problem.Id.Name, problem.Diagnostic.FieldPath));
    }

    [Fact]
    public void Backend_IsTheUpstreamGlooDiscoveryNames_InAnyNamespace()
    {
        var yaml = IngressYaml.OurClass
            + Ingress("shop", Rule("shop.example.com", ("/", "Prefix", "web")), ns: "shop")
            + """
            apiVersion: gateway.sluice.dev/v1
            kind: Upstream
            metadata: { name: shop-web-80, namespace: gloo-system }
            spec: { static: { hosts: [{ addr: 127.0.0.1, port: 9 }] } }
            """;

        var plan = IngressYaml.Convert(yaml);

        Assert.Empty(plan.Problems);
        Assert.Equal(["ElementPrefix / -> gloo-system/shop-web-80"], IngressYaml.Describe(IngressYaml.Host(plan, "shop.example.com")));
    }

    [Fact]
    public void MissingUpstream_IsAWarningAndThePathStillRoutes()
    {
        var plan = IngressYaml.Convert(IngressYaml.OurClass + Ingress("shop", Rule("shop.example.com", ("/", "Prefix", "web"))));

        var problem = Assert.Single(plan.Problems);
        Assert.Equal(DiagnosticSeverity.Warning, problem.Diagnostic.Severity);
        Assert.Contains("no Upstream 'default-web-80'", problem.Diagnostic.Message, StringComparison.Ordinal);
        Assert.Single(IngressYaml.Host(plan, "shop.example.com").Paths);
    }

    private const string NamedPortIngress = """
        apiVersion: networking.k8s.io/v1
        kind: Ingress
        metadata: { name: named, namespace: shop }
        spec:
          ingressClassName: sluice
          rules:
            - host: shop.example.com
              http:
                paths:
                  - path: /
                    pathType: Prefix
                    backend:
                      service:
                        name: web
                        port: { name: http }
        ---

        """;

    [Fact]
    public void PortByName_WithoutResolver_IsAWarningOnThatPath()
    {
        var plan = IngressYaml.Convert(IngressYaml.OurClass + NamedPortIngress);

        Assert.True(plan.IsEmpty);
        var problem = Assert.Single(plan.Problems);
        Assert.Equal("rules[0].http.paths[0].backend.service.port.name", problem.Diagnostic.FieldPath);
        Assert.Equal(new SourcePosition(22, 31), problem.Diagnostic.Position);
        Assert.Contains("give its number", problem.Diagnostic.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void PortByName_IsResolvedThroughTheService()
    {
        var ports = new FixedPorts(new() { [("shop", "web", "http")] = 8080 });
        var plan = IngressYaml.Convert(IngressYaml.OurClass + NamedPortIngress + IngressYaml.Upstream("shop", "web", 8080), ports);

        Assert.Empty(plan.Problems);
        Assert.Equal(["ElementPrefix / -> shop/shop-web-8080"], IngressYaml.Describe(IngressYaml.Host(plan, "shop.example.com")));
    }

    [Fact]
    public void PortByName_UnknownToTheService_IsAWarning()
    {
        var plan = IngressYaml.Convert(IngressYaml.OurClass + NamedPortIngress, new FixedPorts([]));

        Assert.Contains("has no port named 'http'", Assert.Single(plan.Problems).Diagnostic.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ResourceBackend_IsUnsupported_AndOnlyThatPathIsSkipped()
    {
        var yaml = IngressYaml.OurClass + """
            apiVersion: networking.k8s.io/v1
            kind: Ingress
            metadata: { name: assets }
            spec:
              ingressClassName: sluice
              rules:
                - host: shop.example.com
                  http:
                    paths:
                      - { path: /static, pathType: Prefix, backend: { resource: { apiGroup: k8s.example.com, kind: StorageBucket, name: assets } } }
                      - { path: /, pathType: Prefix, backend: { service: { name: web, port: { number: 80 } } } }
            ---

            """ + IngressYaml.Upstream("default", "web", 80);

        var plan = IngressYaml.Convert(yaml);

        var problem = Assert.Single(plan.Problems);
        Assert.Equal("rules[0].http.paths[0].backend.resource", problem.Diagnostic.FieldPath);
        Assert.Contains("not supported", problem.Diagnostic.Message, StringComparison.Ordinal);
        Assert.Equal(["ElementPrefix / -> default/default-web-80"], IngressYaml.Describe(IngressYaml.Host(plan, "shop.example.com")));
    }
}
