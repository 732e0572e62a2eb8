using Sluice.Discovery.Model;

namespace Sluice.Discovery.Tests.Validation;

public class ResourceValidationTests
{
    [Theory]
    [InlineData("faults", "{abort: {percentage: 100, httpStatus: 503}}")]
    [InlineData("shadowing", "{upstream: {name: mirror}, percentage: 10}")]
    [InlineData("lbHash", "{hashPolicies: [{header: x-user}]}")]
    public void RouteOnlyOption_OnAVirtualHost_IsAnError_OnARouteIsAccepted(string option, string value)
    {
        var onHost = Yaml.Validate($"""
            apiVersion: gateway.solo.io/v1
            kind: VirtualService
            metadata: {"{name: storefront, namespace: shop}"}
            spec:
              virtualHost:
                options:
                  {option}: {value}
                routes:
                  - matchers: [{"{prefix: /}"}]
                    directResponseAction: {"{status: 200}"}
            """);
        DiagnosticAssert.Single(onHost, DiagnosticSeverity.Error, $"virtualHost.options.{option}", 7, 7, $"'{option}' is a route option");

        var onRoute = Yaml.Validate($"""
            apiVersion: gateway.solo.io/v1
            kind: VirtualService
            metadata: {"{name: storefront, namespace: shop}"}
            spec:
              virtualHost:
                routes:
                  - matchers: [{"{prefix: /}"}]
                    directResponseAction: {"{status: 200}"}
                    options:
                      {option}: {value}
            """);
        Assert.DoesNotContain(onRoute, d => d.IsError);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(65536)]
    public void UpstreamPortOutOfRange_IsAnError(long port)
    {
        var diagnostics = Yaml.Validate($"""
            apiVersion: gloo.solo.io/v1
            kind: Upstream
            metadata: {"{name: catalog, namespace: shop}"}
            spec:
              static:
                hosts:
                  - addr: catalog.shop.svc
                    port: {port}
            """);

        DiagnosticAssert.Single(diagnostics, DiagnosticSeverity.Error, "static.hosts[0].port", 8, 15, $"port must be between 1 and 65535, got {port}");
    }

    [Theory]
    [InlineData("http://catalog.shop.svc")]
    [InlineData("user@catalog.shop.svc")]
    [InlineData("catalog.shop.svc/api")]
    public void UpstreamAddressThatIsNotAHost_IsAnError(string addr)
    {
        var diagnostics = Yaml.Validate($"""
            apiVersion: gloo.solo.io/v1
            kind: Upstream
            metadata: {"{name: catalog, namespace: shop}"}
            spec:
              static:
                hosts:
                  - addr: "{addr}"
                    port: 8080
            """);

        DiagnosticAssert.Single(diagnostics, DiagnosticSeverity.Error, "static.hosts[0].addr", 7, 15, $"'{addr}' is not a host name or IP address");
    }

    [Fact]
    public void UpstreamWithoutType_IsAnError()
    {
        var diagnostics = Yaml.Validate("""
            apiVersion: gloo.solo.io/v1
            kind: Upstream
            metadata: {name: catalog, namespace: shop}
            spec:
              useHttp2: true
            """);

        var error = DiagnosticAssert.Single(diagnostics, DiagnosticSeverity.Error, string.Empty, 5, 3, "an Upstream needs a type; Sluice supports 'static'");
        Assert.Equal(("Upstream", "shop", "catalog"), (error.Kind, error.Namespace, error.Name));
    }

    [Theory]
    [InlineData("nonsense")]
    [InlineData("0.0.0.0.0")]
    [InlineData("example.com")]
    public void GatewayBindAddressNotAnIp_IsAnError(string bindAddress)
    {
        var diagnostics = Yaml.Validate($"""
            apiVersion: gateway.solo.io/v1
            kind: Gateway
            metadata: {"{name: gateway-proxy, namespace: gloo-system}"}
            spec:
              bindAddress: {bindAddress}
              bindPort: 8080
            """);

        DiagnosticAssert.Single(diagnostics, DiagnosticSeverity.Error, "bindAddress", 5, 16, $"bindAddress '{bindAddress}' is not an IP address");
    }

    [Theory]
    [InlineData("'::'")]
    [InlineData("0.0.0.0")]
    [InlineData("127.0.0.1")]
    [InlineData("'::1'")]
    [InlineData("localhost")]
    public void GatewayBindAddress_IpOrLocalhost_IsAccepted(string bindAddress)
    {
        DiagnosticAssert.Empty(Yaml.Validate($"""
            apiVersion: gateway.solo.io/v1
            kind: Gateway
            metadata: {"{name: gateway-proxy, namespace: gloo-system}"}
            spec:
              bindAddress: {bindAddress}
              bindPort: 8080
            """));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(70000)]
    public void GatewayBindPortOutOfRange_IsAnError(long port)
    {
        var diagnostics = Yaml.Validate($"""
            apiVersion: gateway.solo.io/v1
            kind: Gateway
            metadata: {"{name: gateway-proxy, namespace: gloo-system}"}
            spec:
              bindPort: {port}
            """);

        DiagnosticAssert.Single(diagnostics, DiagnosticSeverity.Error, "bindPort", 5, 13, $"bindPort must be between 1 and 65535, got {port}");
    }

    [Fact]
    public void GatewayWithoutBindPort_IsALoadError()
    {
        var document = Yaml.LoadDocument("""
            apiVersion: gateway.solo.io/v1
            kind: Gateway
            metadata: {name: gateway-proxy, namespace: gloo-system}
            spec:
              bindAddress: "::"
            """);

        DiagnosticAssert.Single(document.Diagnostics, DiagnosticSeverity.Error, "bindPort", 5, 3, "missing required field 'bindPort'");
    }

    [Theory]
    [InlineData("store front")]
    [InlineData("shop/storefront")]
    public void InvalidResourceName_IsAnError(string name)
    {
        var diagnostics = Yaml.Validate($"""
            apiVersion: gloo.solo.io/v1
            kind: Upstream
            metadata:
              name: "{name}"
              namespace: shop
            spec:
              static:
                hosts: [{"{addr: catalog.shop.svc, port: 8080}"}]
            """);

        DiagnosticAssert.Single(diagnostics, DiagnosticSeverity.Error, "metadata.name", 4, 9, $"'{name}' is not a valid resource name");
    }
}
