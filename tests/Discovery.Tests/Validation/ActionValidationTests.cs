using Sluice.Discovery.Model;

namespace Sluice.Discovery.Tests.Validation;

public class ActionValidationTests
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
    public void RouteWithoutAction_ErrorAtRoute()
    {
        var diagnostics = Yaml.Validate(WithRoutes("""
            - name: api
              matchers: [{prefix: /api}]
            """));

        DiagnosticAssert.Single(diagnostics, DiagnosticSeverity.Error, "virtualHost.routes[0]", 10, 9,
            "a route needs one action: routeAction, redirectAction, directResponseAction or delegateAction");
    }

    [Fact]
    public void RouteWithTwoActions_ErrorAtRoute()
    {
        var diagnostics = Yaml.Validate(WithRoutes("""
            - matchers: [{prefix: /api}]
              routeAction:
                single:
                  upstream: {name: catalog}
              directResponseAction:
                status: 503
            """));

        DiagnosticAssert.Single(diagnostics, DiagnosticSeverity.Error, "virtualHost.routes[0]", 10, 9,
            "a route takes exactly one of routeAction, redirectAction, directResponseAction and delegateAction");
    }

    [Fact]
    public void RouteActionWithSingleAndUpstreamGroup_IsAnError()
    {
        var diagnostics = Yaml.Validate(WithRoutes("""
            - matchers: [{prefix: /api}]
              routeAction:
                single:
                  upstream: {name: catalog}
                upstreamGroup: {name: catalog-canary}
            """));

        DiagnosticAssert.Single(diagnostics, DiagnosticSeverity.Error, "virtualHost.routes[0].routeAction", 12, 11, "routeAction takes exactly one of single, multi and upstreamGroup");
    }

    [Fact]
    public void SingleDestinationWithoutUpstream_IsAnError()
    {
        var diagnostics = Yaml.Validate(WithRoutes("""
            - matchers: [{prefix: /api}]
              routeAction:
                single: {}
            """));

        DiagnosticAssert.Single(diagnostics, DiagnosticSeverity.Error, "virtualHost.routes[0].routeAction.single", 12, 19, "a destination needs 'upstream'");
    }

    [Fact]
    public void MultiDestinationsWithZeroTotalWeight_IsAnError()
    {
        var diagnostics = Yaml.Validate(WithRoutes("""
            - matchers: [{prefix: /api}]
              routeAction:
                multi:
                  destinations:
                    - destination: {upstream: {name: catalog-v1}}
                    - destination: {upstream: {name: catalog-v2}}
                      weight: 0
            """));

        DiagnosticAssert.Single(diagnostics, DiagnosticSeverity.Error, "virtualHost.routes[0].routeAction.multi.destinations", 14, 15,
            "the destinations' weights add up to 0; give at least one a positive weight");
    }

    [Fact]
    public void MultiWithNoDestinations_IsAnError()
    {
        var diagnostics = Yaml.Validate(WithRoutes("""
            - matchers: [{prefix: /api}]
              routeAction:
                multi:
                  destinations: []
            """));

        DiagnosticAssert.Single(diagnostics, DiagnosticSeverity.Error, "virtualHost.routes[0].routeAction.multi.destinations", 13, 27, "at least one destination is required");
    }

    [Fact]
    public void UpstreamGroupWithZeroTotalWeight_IsAnError()
    {
        var diagnostics = Yaml.Validate("""
            apiVersion: gloo.solo.io/v1
            kind: UpstreamGroup
            metadata: {name: catalog-canary, namespace: shop}
            spec:
              destinations:
                - destination: {upstream: {name: catalog-v1}}
                - destination: {upstream: {name: catalog-v2}}
            """);

        DiagnosticAssert.Single(diagnostics, DiagnosticSeverity.Error, "destinations", 6, 5, "the destinations' weights add up to 0");
    }

    [Theory]
    [InlineData("login.example.com/phish")]
    [InlineData("attacker@evil.example")]
    [InlineData(@"evil.example\\good.example")]
    [InlineData("evil.example?x=")]
    [InlineData("evil.example#")]
    public void HostRedirectThatIsNotAPlainHost_IsRefused(string host)
    {
        var diagnostics = Yaml.Validate(WithRoutes($"""
            - matchers: [{"{prefix: /login}"}]
              redirectAction:
                hostRedirect: "{host}"
            """));

        var unescaped = host.Replace(@"\\", @"\", StringComparison.Ordinal);
        DiagnosticAssert.Single(diagnostics, DiagnosticSeverity.Error, "virtualHost.routes[0].redirectAction.hostRedirect", 12, 25,
            $"hostRedirect '{unescaped}' is not a plain host name");
    }

    [Fact]
    public void HostRedirectWithPort_IsAccepted()
    {
        DiagnosticAssert.Empty(Yaml.Validate(WithRoutes("""
            - matchers: [{prefix: /login}]
              redirectAction:
                hostRedirect: login.example.com:8443
                httpsRedirect: true
            """)));
    }

    [Fact]
    public void PathRedirectAndPrefixRewriteTogether_IsAnError()
    {
        var diagnostics = Yaml.Validate(WithRoutes("""
            - matchers: [{prefix: /old}]
              redirectAction:
                pathRedirect: /new
                prefixRewrite: /new/
            """));

        DiagnosticAssert.Single(diagnostics, DiagnosticSeverity.Error, "virtualHost.routes[0].redirectAction", 12, 11, "redirectAction takes at most one of pathRedirect and prefixRewrite");
    }

    [Fact]
    public void PathRedirectWithoutLeadingSlash_IsAnError()
    {
        var diagnostics = Yaml.Validate(WithRoutes("""
            - matchers: [{prefix: /old}]
              redirectAction:
                pathRedirect: new
            """));

        DiagnosticAssert.Single(diagnostics, DiagnosticSeverity.Error, "virtualHost.routes[0].redirectAction.pathRedirect", 12, 25, "pathRedirect 'new' must start with '/'");
    }

    [Theory]
    [InlineData(99)]
    [InlineData(100)]
    [InlineData(199)]
    [InlineData(600)]
    public void DirectResponseStatusOutOfRange_IsAnError(int status)
    {
        var diagnostics = Yaml.Validate(WithRoutes($"""
            - matchers: [{"{prefix: /maintenance}"}]
              directResponseAction:
                status: {status}
            """));

        DiagnosticAssert.Single(diagnostics, DiagnosticSeverity.Error, "virtualHost.routes[0].directResponseAction.status", 12, 19,
            $"status must be between 200 and 599, got {status}");
    }

    [Theory]
    [InlineData(200)]
    [InlineData(404)]
    [InlineData(599)]
    public void DirectResponseStatusInRange_IsAccepted(int status)
    {
        DiagnosticAssert.Empty(Yaml.Validate(WithRoutes($"""
            - matchers: [{"{prefix: /maintenance}"}]
              directResponseAction:
                status: {status}
            """)));
    }

    [Theory]
    [InlineData("exact: /api")]
    [InlineData("regex: '/api/.*'")]
    public void DelegateActionWithExactOrRegexMatcher_IsAnError(string matcher)
    {
        var diagnostics = Yaml.Validate(WithRoutes($"""
            - matchers:
                - {matcher}
              delegateAction:
                ref: {"{name: api-routes}"}
            """));

        DiagnosticAssert.Single(diagnostics, DiagnosticSeverity.Error, "virtualHost.routes[0].matchers[0]", 11, 13,
            "a route with delegateAction must match with a prefix (or no path condition); exact and regex are for the child routes");
    }

    [Fact]
    public void DelegateActionWithRefAndSelector_IsAnError()
    {
        var diagnostics = Yaml.Validate(WithRoutes("""
            - matchers: [{prefix: /api}]
              delegateAction:
                ref: {name: api-routes}
                selector:
                  labels: {team: api}
            """));

        DiagnosticAssert.Single(diagnostics, DiagnosticSeverity.Error, "virtualHost.routes[0].delegateAction", 12, 11,
            "delegateAction takes exactly one of ref, selector, or the legacy name/namespace");
    }

    [Fact]
    public void DelegateActionWithPrefix_IsAccepted()
    {
        DiagnosticAssert.Empty(Yaml.Validate(WithRoutes("""
            - matchers: [{prefix: /api}]
              delegateAction:
                selector:
                  labels: {team: api}
                  namespaces: ['*']
            """)));
    }

    [Fact]
    public void DelegateSelectorWithUnknownOperator_IsAnError()
    {
        var diagnostics = Yaml.Validate(WithRoutes("""
            - matchers: [{prefix: /api}]
              delegateAction:
                selector:
                  expressions:
                    - key: team
                      operator: Inn
                      values: [api]
            """));

        DiagnosticAssert.Single(diagnostics, DiagnosticSeverity.Error, "virtualHost.routes[0].delegateAction.selector.expressions[0].operator", 15, 27, "Inn");
    }

    [Fact]
    public void GatewayVirtualServiceExpressionWithUnknownOperator_IsAnError()
    {
        var diagnostics = Yaml.Validate("""
            apiVersion: gateway.solo.io/v1
            kind: Gateway
            metadata: {name: gateway-proxy, namespace: gloo-system}
            spec:
              bindPort: 8080
              httpGateway:
                virtualServiceExpressions:
                  - key: exposure
                    operator: equals
                    values: [public]
            """);

        DiagnosticAssert.Single(diagnostics, DiagnosticSeverity.Error, "httpGateway.virtualServiceExpressions[0].operator", 9, 19, "equals");
    }
}
