using Sluice.Discovery.Model;
using Sluice.Discovery.Validation;

namespace Sluice.Discovery.Tests.Validation;

public class DomainValidationTests
{
    [Fact]
    public void DuplicateDomainInOneVirtualService_IgnoringCase_IsAnError()
    {
        var diagnostics = Yaml.Validate("""
            apiVersion: gateway.solo.io/v1
            kind: VirtualService
            metadata: {name: storefront, namespace: shop}
            spec:
              virtualHost:
                domains:
                  - shop.example.com
                  - www.shop.example.com
                  - Shop.Example.com
                routes:
                  - routeAction: {single: {upstream: {name: storefront}}}
            """);

        DiagnosticAssert.Single(diagnostics, DiagnosticSeverity.Error, "virtualHost.domains[2]", 9, 9, "domain 'Shop.Example.com' is listed twice (also at domains[0])");
    }

    [Fact]
    public void WildcardInTheMiddle_IsAnError()
    {
        var diagnostics = Yaml.Validate("""
            apiVersion: gateway.solo.io/v1
            kind: VirtualService
            metadata: {name: storefront, namespace: shop}
            spec:
              virtualHost:
                domains: [shop.example.com, foo.*.com]
                routes:
                  - routeAction: {single: {upstream: {name: storefront}}}
            """);

        DiagnosticAssert.Single(diagnostics, DiagnosticSeverity.Error, "virtualHost.domains[1]", 6, 33,
            "domain 'foo.*.com' has a wildcard in the middle; Envoy's forms are '*.example.com', 'example.*' or '*'");
    }

    [Fact]
    public void InvalidSniDomain_IsAnError()
    {
        var diagnostics = Yaml.Validate("""
            apiVersion: gateway.solo.io/v1
            kind: VirtualService
            metadata: {name: storefront, namespace: shop}
            spec:
              sslConfig:
                sslFiles: {tlsCert: /etc/sluice/tls.crt, tlsKey: /etc/sluice/tls.key}
                sniDomains: [shop.example.com, shop.*.example.com]
              virtualHost:
                domains: [shop.example.com]
                routes:
                  - routeAction: {single: {upstream: {name: storefront}}}
            """);

        DiagnosticAssert.At(diagnostics, DiagnosticSeverity.Error, "sslConfig.sniDomains[1]", 7, 36, "domain 'shop.*.example.com' has a wildcard in the middle");
    }

    [Theory]
    [InlineData("*")]
    [InlineData("shop.example.com")]
    [InlineData("*.example.com")]
    [InlineData("*-api.example.com")]
    [InlineData("example.*")]
    [InlineData("shop.example.com:8080")]
    [InlineData("[::1]:8080")]
    [InlineData("10.0.0.1")]
    public void DomainRules_AcceptsEnvoyForms(string domain) => Assert.Null(DomainRules.Problem(domain));

    [Theory]
    [InlineData("", "must not be empty")]
    [InlineData("foo.*.com", "wildcard in the middle")]
    [InlineData("*.*.example.com", "wildcard in the middle")]
    [InlineData("*example*", "wildcard in the middle")]
    [InlineData("shop.example.com/api", "contains '/'")]
    [InlineData("user@shop.example.com", "contains '@'")]
    [InlineData("shop example.com", "contains ' '")]
    public void DomainRules_RefusesOtherForms(string domain, string fragment) =>
        Assert.Contains(fragment, DomainRules.Problem(domain), StringComparison.Ordinal);
}
