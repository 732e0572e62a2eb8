using Sluice.Discovery.Model;

namespace Sluice.Discovery.Tests.Ingress;

/// <summary>
/// The Kubernetes API server's rules for Ingress, with file:line:col and field path, so a file is held to what a
/// cluster would accept. Ingresses here are ours (they name the sluice class).
/// </summary>
public sealed class IngressValidationTests
{
    /// <summary>An Ingress of ours with one path; <paramref name="path"/> and <paramref name="pathType"/> on lines 10 and 11.</summary>
    private static string WithPath(string path, string pathType, string host = "shop.example.com") => $"""
        apiVersion: networking.k8s.io/v1
        kind: Ingress
        metadata: {"{ name: shop }"}
        spec:
          ingressClassName: sluice
          rules:
            - host: "{host}"
              http:
                paths:
                  - path: "{path}"
                    pathType: {pathType}
                    backend:
                      service: {"{ name: web, port: { number: 80 } }"}
        ---
        {IngressYaml.OurClass}{IngressYaml.Upstream("default", "web", 80)}
        """;

    private static IReadOnlyList<Diagnostic> Errors(string yaml) => [.. IngressYaml.Problems(yaml).Where(d => d.IsError)];

    [Fact]
    public void ValidIngress_HasNoProblems() => DiagnosticAssert.Empty(IngressYaml.Problems(WithPath("/api", "Prefix")));

    [Theory]
    [InlineData("api", "Prefix", "must be absolute")]
    [InlineData("api", "Exact", "must be absolute")]
    [InlineData("/a//b", "Prefix", "must not contain '//'")]
    [InlineData("/a/../b", "Exact", "must not contain '/../'")]
    [InlineData("/a/.", "Prefix", "must not contain '/.'")]
    [InlineData("/a%2Fb", "Prefix", "must not contain '%2F'")]
    [InlineData("/api/.*", "Prefix", "must not contain regex characters ('*'")]
    [InlineData("/v[0-9]", "Exact", "must not contain regex characters ('['")]
    [InlineData("relative", "ImplementationSpecific", "must be absolute")]
    public void BadPath_IsAnErrorAtThePath(string path, string pathType, string message) =>
        DiagnosticAssert.Single(Errors(WithPath(path, pathType)), DiagnosticSeverity.Error, "rules[0].http.paths[0].path", 10, 19, message);

    [Fact]
    public void UnknownPathType_IsAnError() =>
        DiagnosticAssert.Single(Errors(WithPath("/", "Regex")), DiagnosticSeverity.Error, "rules[0].http.paths[0].pathType", 11, 23, "'Regex' is not a path type");

    [Fact]
    public void MissingPathType_IsAnError()
    {
        var yaml = WithPath("/", "Prefix").Replace("            pathType: Prefix\n", string.Empty, StringComparison.Ordinal);

        DiagnosticAssert.Single(Errors(yaml), DiagnosticSeverity.Error, "rules[0].http.paths[0].pathType", 10, 13, "missing required field 'pathType'");
    }

    [Fact]
    public void ImplementationSpecific_WithRegexCharacters_IsAWarning() =>
        DiagnosticAssert.Single(IngressYaml.Problems(WithPath("/api/.*", "ImplementationSpecific")), DiagnosticSeverity.Warning, "rules[0].http.paths[0].path", 10, 19, "match literally");

    [Theory]
    [InlineData("10.0.0.1", "not an IP address")]
    [InlineData("2001:db8::1", "not an IP address")]
    [InlineData("shop.example.com:8080", "has no port")]
    [InlineData("*", "whole first label")]
    [InlineData("api.*.example.com", "whole first label")]
    [InlineData("**.example.com", "whole first label")]
    [InlineData("Shop.Example.com", "not a valid host")]
    [InlineData("-shop.example.com", "not a valid host")]
    public void BadHost_IsAnErrorAtTheHost(string host, string message) =>
        DiagnosticAssert.Single(Errors(WithPath("/", "Prefix", host)), DiagnosticSeverity.Error, "rules[0].host", 7, 13, message);

    [Theory]
    [InlineData("*.example.com")]
    [InlineData("example.com")]
    [InlineData("a-b.c1.example")]
    public void GoodHost_IsAccepted(string host) => DiagnosticAssert.Empty(IngressYaml.Problems(WithPath("/", "Prefix", host)));

    [Theory]
    [InlineData("{ name: web }", "rules[0].http.paths[0].backend.service.port", 13, 24, "missing required field 'port'")]
    [InlineData("{ name: web, port: { number: 80, name: http } }", "rules[0].http.paths[0].backend.service.port", 13, 43, "exactly one of 'number' and 'name'")]
    [InlineData("{ name: web, port: { number: 0 } }", "rules[0].http.paths[0].backend.service.port.number", 13, 53, "between 1 and 65535")]
    [InlineData("{ name: web, port: { name: Http_1 } }", "rules[0].http.paths[0].backend.service.port.name", 13, 51, "not a valid port name")]
    [InlineData("{ name: 9web, port: { number: 80 } }", "rules[0].http.paths[0].backend.service.name", 13, 32, "not a valid Service name")]
    public void BadServiceBackend_IsAnError(string service, string field, int line, int column, string message)
    {
        var yaml = WithPath("/", "Prefix").Replace("{ name: web, port: { number: 80 } }", service, StringComparison.Ordinal);

        DiagnosticAssert.Single(Errors(yaml), DiagnosticSeverity.Error, field, line, column, message);
    }

    [Fact]
    public void NeitherRulesNorDefaultBackend_IsAnError()
    {
        var yaml = $"""
            apiVersion: networking.k8s.io/v1
            kind: Ingress
            metadata: {"{ name: empty }"}
            spec:
              ingressClassName: sluice
            ---
            {IngressYaml.OurClass}
            """;

        DiagnosticAssert.Single(Errors(yaml), DiagnosticSeverity.Error, "spec", 1, 1, "needs 'rules' or a 'defaultBackend'");
    }

    [Fact]
    public void ClassNameAndLegacyAnnotationTogether_IsAnError()
    {
        var yaml = $"""
            apiVersion: networking.k8s.io/v1
            kind: Ingress
            metadata:
              name: both
              annotations: {"{ kubernetes.io/ingress.class: sluice }"}
            spec:
              ingressClassName: sluice
              defaultBackend: {"{ service: { name: web, port: { number: 80 } } }"}
            ---
            {IngressYaml.OurClass}{IngressYaml.Upstream("default", "web", 80)}
            """;

        DiagnosticAssert.Single(Errors(yaml), DiagnosticSeverity.Error, "ingressClassName", 7, 21, "not both");
    }

    [Fact]
    public void BadTlsHost_IsAnErrorAtThatHost()
    {
        var yaml = $"""
            apiVersion: networking.k8s.io/v1
            kind: Ingress
            metadata: {"{ name: shop }"}
            spec:
              ingressClassName: sluice
              defaultBackend: {"{ service: { name: web, port: { number: 80 } } }"}
              tls:
                - hosts: [shop.example.com, "10.1.1.1"]
                  secretName: shop-tls
            ---
            {IngressYaml.OurClass}{IngressYaml.Upstream("default", "web", 80)}
            """;

        DiagnosticAssert.At(Errors(yaml), DiagnosticSeverity.Error, "tls[0].hosts[1]", 8, 33, "not an IP address");
    }

    [Fact]
    public void InvalidIngress_IsRejectedAlone_OtherIngressesStillServe()
    {
        var yaml = WithPath("api", "Prefix") + """
            ---
            apiVersion: networking.k8s.io/v1
            kind: Ingress
            metadata: { name: good }
            spec:
              ingressClassName: sluice
              rules:
                - host: good.example.com
                  http:
                    paths:
                      - { path: /, pathType: Prefix, backend: { service: { name: web, port: { number: 80 } } } }
            """;

        var plan = IngressYaml.Convert(yaml);

        Assert.Equal(["good.example.com"], plan.Hosts.Select(h => h.Host));
        Assert.All(plan.Problems, p => Assert.Equal("shop", p.Id.Name));
        Assert.Contains(plan.Problems, p => p.Blocking);
    }
}
