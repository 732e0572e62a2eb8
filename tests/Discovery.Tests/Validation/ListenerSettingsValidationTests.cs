using Sluice.Discovery.Model;
using Sluice.Filters.Listener;

namespace Sluice.Discovery.Tests.Validation;

/// <summary>httpConnectionManagerSettings binds with Gloo's names, is checked, and is refused below the Gateway.</summary>
public sealed class ListenerSettingsValidationTests
{
    [Fact]
    public void GatewaySettings_BindWithGlooNames()
    {
        var gateway = Yaml.LoadOne<Gateway>("""
            apiVersion: gateway.solo.io/v1
            kind: Gateway
            metadata: { name: edge }
            spec:
              bindPort: 8080
              httpGateway:
                options:
                  httpConnectionManagerSettings:
                    xffNumTrustedHops: 1
                    trustedProxies: [10.0.0.0/8]
                    headersWithUnderscoresAction: DROP_HEADER
                    maxRequestHeadersKb: 32
                    requestHeadersTimeout: 5s
                    http2ProtocolOptions: { maxConcurrentStreams: 50 }
            """);

        var settings = Assert.IsType<HttpConnectionManagerSettings>(gateway.Spec.HttpGateway!.Options.Values["httpConnectionManagerSettings"]);
        Assert.Equal(1u, settings.XffNumTrustedHops);
        Assert.Equal(["10.0.0.0/8"], settings.TrustedProxies);
        Assert.Equal(HeadersWithUnderscoresAction.DROP_HEADER, settings.HeadersWithUnderscoresAction);
        Assert.Equal(TimeSpan.FromSeconds(5), settings.RequestHeadersTimeout);
        Assert.Equal(50u, settings.Http2ProtocolOptions!.MaxConcurrentStreams);
        DiagnosticAssert.Empty(ResourceValidator(gateway));
    }

    [Fact]
    public void BadCidrAndUnsafeEscapedSlashes_AreErrorsWithTheirPaths()
    {
        var document = Yaml.LoadDocument("""
            apiVersion: gateway.sluice.dev/v1
            kind: Gateway
            metadata: { name: edge }
            spec:
              bindPort: 8080
              httpGateway:
                options:
                  httpConnectionManagerSettings:
                    trustedProxies: [10.0.0.0/33]
                    pathWithEscapedSlashesAction: KEEP_UNCHANGED
            """);

        DiagnosticAssert.At(document.Diagnostics, DiagnosticSeverity.Error, "httpGateway.options.httpConnectionManagerSettings.trustedProxies[0]", 9, 26, "not a CIDR");
        DiagnosticAssert.At(document.Diagnostics, DiagnosticSeverity.Error, "httpGateway.options.httpConnectionManagerSettings.pathWithEscapedSlashesAction", 10, 39, "KEEP_UNCHANGED");
    }

    [Fact]
    public void GlooFieldSluiceDoesNotImplement_IsAWarningByName()
    {
        var document = Yaml.LoadDocument("""
            apiVersion: gateway.solo.io/v1
            kind: Gateway
            metadata: { name: edge }
            spec:
              bindPort: 8080
              httpGateway:
                options:
                  httpConnectionManagerSettings:
                    via: edge-proxy
            """);

        DiagnosticAssert.Single(document.Diagnostics, DiagnosticSeverity.Warning, "httpGateway.options.httpConnectionManagerSettings.via", 9, 9, "'via' is not supported");
        Assert.NotNull(document.Resource);
    }

    [Fact]
    public void OnAVirtualHostOrRoute_IsRefused()
    {
        var diagnostics = Yaml.Validate("""
            apiVersion: gateway.sluice.dev/v1
            kind: VirtualService
            metadata: { name: shop }
            spec:
              virtualHost:
                domains: [shop.example.com]
                options:
                  httpConnectionManagerSettings: { xffNumTrustedHops: 1 }
                routes:
                  - matchers: [{ prefix: / }]
                    options:
                      httpConnectionManagerSettings: { skipXffAppend: true }
                    directResponseAction: { status: 200 }
            """);

        DiagnosticAssert.At(diagnostics, DiagnosticSeverity.Error, "virtualHost.options.httpConnectionManagerSettings", 8, 7, "listener setting");
        DiagnosticAssert.At(diagnostics, DiagnosticSeverity.Error, "virtualHost.routes[0].options.httpConnectionManagerSettings", 12, 11, "listener setting");
    }

    private static IReadOnlyList<Diagnostic> ResourceValidator(Resource resource) => Discovery.Validation.ResourceValidator.Validate(resource);
}
