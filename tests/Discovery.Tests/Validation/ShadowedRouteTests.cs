using Sluice.Discovery.Model;

namespace Sluice.Discovery.Tests.Validation;

public class ShadowedRouteTests
{
    /// <summary>A virtual service with the given route list items starting at line 10 (each "- " at column 7).</summary>
    private static string WithRoutes(string routes) => $"""
        apiVersion: gateway.solo.io/v1
        kind: VirtualService
        metadata:
          name: storefront
          namespace: shop
        spec:
          virtualHost:
            domains: [shop.example.com]
            routes:
              {routes.Replace("\n", "\n      ", StringComparison.Ordinal)}
        """;

    [Fact]
    public void RouteAfterCatchAllPrefix_IsAWarningNamingTheEarlierRoute()
    {
        var diagnostics = Yaml.Validate(WithRoutes("""
            - name: catch-all
              matchers: [{prefix: /}]
              routeAction: {single: {upstream: {name: storefront}}}
            - name: api
              matchers: [{prefix: /api}]
              routeAction: {single: {upstream: {name: catalog}}}
            """));

        DiagnosticAssert.Single(diagnostics, DiagnosticSeverity.Warning, "virtualHost.routes[1]", 13, 9,
            "this route can never match: route 0 ('catch-all') comes first and matches every request it would");
    }

    [Fact]
    public void RouteAfterRouteWithoutMatchers_IsShadowed()
    {
        var diagnostics = Yaml.Validate(WithRoutes("""
            - routeAction: {single: {upstream: {name: storefront}}}
            - matchers: [{exact: /healthz}]
              directResponseAction: {status: 200}
            """));

        DiagnosticAssert.Single(diagnostics, DiagnosticSeverity.Warning, "virtualHost.routes[1]", 11, 9, "route 0 comes first and matches every request it would");
    }

    [Fact]
    public void EarlierRouteWithHeaderCondition_DoesNotShadow()
    {
        DiagnosticAssert.Empty(Yaml.Validate(WithRoutes("""
            - name: canary
              matchers:
                - prefix: /
                  headers:
                    - name: x-canary
                      value: "true"
              routeAction: {single: {upstream: {name: storefront-canary}}}
            - name: api
              matchers: [{prefix: /api}]
              routeAction: {single: {upstream: {name: catalog}}}
            """)));
    }

    [Theory]
    [InlineData("methods: [GET]")]
    [InlineData("queryParameters: [{name: preview}]")]
    public void EarlierRouteWithOtherConditions_DoesNotShadow(string condition)
    {
        DiagnosticAssert.Empty(Yaml.Validate(WithRoutes("""
            - matchers: [{prefix: /, CONDITION}]
              routeAction: {single: {upstream: {name: storefront}}}
            - matchers: [{prefix: /api}]
              routeAction: {single: {upstream: {name: catalog}}}
            """.Replace("CONDITION", condition, StringComparison.Ordinal))));
    }

    [Fact]
    public void MoreSpecificRouteFirst_IsNotShadowed()
    {
        DiagnosticAssert.Empty(Yaml.Validate(WithRoutes("""
            - matchers: [{prefix: /api}]
              routeAction: {single: {upstream: {name: catalog}}}
            - matchers: [{prefix: /}]
              routeAction: {single: {upstream: {name: storefront}}}
            """)));
    }

    [Fact]
    public void LaterRouteShadowedOnlyWhenEveryMatcherIsCovered()
    {
        var diagnostics = Yaml.Validate(WithRoutes("""
            - matchers: [{prefix: /api}]
              routeAction: {single: {upstream: {name: catalog}}}
            - matchers: [{exact: /api/health}, {prefix: /admin}]
              routeAction: {single: {upstream: {name: admin}}}
            - matchers: [{exact: /api/health}, {prefix: /api/v2}]
              routeAction: {single: {upstream: {name: catalog-v2}}}
            """));

        DiagnosticAssert.Single(diagnostics, DiagnosticSeverity.Warning, "virtualHost.routes[2]", 14, 9, "route 0 comes first");
    }

    [Fact]
    public void CaseInsensitiveEarlierRoute_ShadowsCaseSensitiveLaterOne()
    {
        var diagnostics = Yaml.Validate(WithRoutes("""
            - matchers: [{prefix: /api, caseSensitive: false}]
              routeAction: {single: {upstream: {name: catalog}}}
            - matchers: [{prefix: /API/v1}]
              routeAction: {single: {upstream: {name: catalog-v1}}}
            """));

        DiagnosticAssert.Single(diagnostics, DiagnosticSeverity.Warning, "virtualHost.routes[1]", 12, 9, "route 0 comes first");
    }

    [Fact]
    public void CaseSensitiveEarlierRoute_DoesNotShadowCaseInsensitiveLaterOne()
    {
        DiagnosticAssert.Empty(Yaml.Validate(WithRoutes("""
            - matchers: [{prefix: /api}]
              routeAction: {single: {upstream: {name: catalog}}}
            - matchers: [{prefix: /api/v1, caseSensitive: false}]
              routeAction: {single: {upstream: {name: catalog-v1}}}
            """)));
    }

    [Fact]
    public void ShadowedRouteInRouteTable_UsesRoutesPath()
    {
        var diagnostics = Yaml.Validate("""
            apiVersion: gateway.solo.io/v1
            kind: RouteTable
            metadata: {name: api-routes, namespace: shop}
            spec:
              routes:
                - matchers: [{prefix: /api}]
                  routeAction: {single: {upstream: {name: catalog}}}
                - matchers: [{regex: '/api/v[0-9]+'}]
                  routeAction: {single: {upstream: {name: catalog}}}
                - matchers: [{prefix: /api/orders}]
                  routeAction: {single: {upstream: {name: orders}}}
            """);

        DiagnosticAssert.Single(diagnostics, DiagnosticSeverity.Warning, "routes[2]", 10, 7, "route 0 comes first");
    }
}
