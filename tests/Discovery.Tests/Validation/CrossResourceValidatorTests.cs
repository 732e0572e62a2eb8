using Sluice.Discovery.Model;
using Sluice.Discovery.Validation;

namespace Sluice.Discovery.Tests.Validation;

public class CrossResourceValidatorTests
{
    private static readonly ResourceId Storefront = new(ResourceKind.VirtualService, "shop", "storefront");

    private static CrossResourceProblem SingleProblem(IReadOnlyList<CrossResourceProblem> problems)
    {
        Assert.True(problems.Count == 1, $"expected one problem, got {problems.Count}:\n{string.Join('\n', problems.Select(p => p.Diagnostic))}");
        return problems[0];
    }

    [Fact]
    public void MissingUpstream_ErrorAtReference_NotBlocking()
    {
        var problems = Yaml.CrossValidate("""
            apiVersion: gateway.solo.io/v1
            kind: VirtualService
            metadata: {name: storefront, namespace: shop}
            spec:
              virtualHost:
                domains: [shop.example.com]
                routes:
                  - matchers: [{prefix: /api}]
                    routeAction:
                      single:
                        upstream: {name: catalog}
                  - matchers: [{prefix: /}]
                    routeAction:
                      single:
                        upstream: {name: storefront, namespace: web}
            ---
            apiVersion: gloo.solo.io/v1
            kind: Upstream
            metadata: {name: storefront, namespace: web}
            spec:
              static:
                hosts: [{addr: storefront.web.svc, port: 8080}]
            ---
            # Same name, other namespace: a reference without namespace means the referrer's own.
            apiVersion: gloo.solo.io/v1
            kind: Upstream
            metadata: {name: catalog, namespace: default}
            spec:
              static:
                hosts: [{addr: catalog.default.svc, port: 8080}]
            """);

        var problem = SingleProblem(problems);
        Assert.Equal(Storefront, problem.Id);
        Assert.False(problem.Blocking);
        DiagnosticAssert.Single([problem.Diagnostic], DiagnosticSeverity.Error, "virtualHost.routes[0].routeAction.single.upstream", 11, 23, "Upstream shop/catalog does not exist");
    }

    [Fact]
    public void ShadowingToAMissingUpstream_ErrorAtTheOptionsReference()
    {
        var problems = Yaml.CrossValidate("""
            apiVersion: gateway.solo.io/v1
            kind: VirtualService
            metadata: {name: storefront, namespace: shop}
            spec:
              virtualHost:
                domains: [shop.example.com]
                routes:
                  - matchers: [{prefix: /}]
                    routeAction:
                      single:
                        upstream: {name: web}
                    options:
                      shadowing:
                        upstream: {name: mirror}
                        percentage: 10
            ---
            apiVersion: gloo.solo.io/v1
            kind: Upstream
            metadata: {name: web, namespace: shop}
            spec:
              static:
                hosts: [{addr: 10.0.0.1, port: 80}]
            """);

        var problem = SingleProblem(problems);
        Assert.Equal(Storefront, problem.Id);
        Assert.False(problem.Blocking);
        Assert.Equal("virtualHost.routes[0].options.shadowing.upstream", problem.Diagnostic.FieldPath);
        Assert.Contains("Upstream shop/mirror does not exist", problem.Diagnostic.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void MissingUpstreamInMultiDestination_ErrorAtThatDestination()
    {
        var problems = Yaml.CrossValidate("""
            apiVersion: gateway.solo.io/v1
            kind: VirtualService
            metadata: {name: storefront, namespace: shop}
            spec:
              virtualHost:
                routes:
                  - routeAction:
                      multi:
                        destinations:
                          - weight: 90
                            destination: {upstream: {name: catalog-v1}}
                          - weight: 10
                            destination: {upstream: {name: catalog-v2}}
            ---
            apiVersion: gloo.solo.io/v1
            kind: Upstream
            metadata: {name: catalog-v1, namespace: shop}
            spec:
              static:
                hosts: [{addr: catalog-v1.shop.svc, port: 8080}]
            """);

        DiagnosticAssert.Single([SingleProblem(problems).Diagnostic], DiagnosticSeverity.Error,
            "virtualHost.routes[0].routeAction.multi.destinations[1].destination.upstream", 13, 41, "Upstream shop/catalog-v2 does not exist");
    }

    [Fact]
    public void MissingUpstreamGroup_ErrorAtReference()
    {
        var problems = Yaml.CrossValidate("""
            apiVersion: gateway.solo.io/v1
            kind: VirtualService
            metadata: {name: storefront, namespace: shop}
            spec:
              virtualHost:
                domains: [shop.example.com]
                routes:
                  - matchers: [{prefix: /api}]
                    routeAction:
                      upstreamGroup: {name: catalog-canary}
            """);

        var problem = SingleProblem(problems);
        Assert.False(problem.Blocking);
        DiagnosticAssert.Single([problem.Diagnostic], DiagnosticSeverity.Error, "virtualHost.routes[0].routeAction.upstreamGroup", 10, 26, "UpstreamGroup shop/catalog-canary does not exist");
    }

    [Fact]
    public void UpstreamGroupWithMissingUpstream_ErrorOnTheGroup()
    {
        var problems = Yaml.CrossValidate("""
            apiVersion: gloo.solo.io/v1
            kind: UpstreamGroup
            metadata: {name: catalog-canary, namespace: shop}
            spec:
              destinations:
                - weight: 9
                  destination: {upstream: {name: catalog-v1}}
            """);

        var problem = SingleProblem(problems);
        Assert.Equal(new ResourceId(ResourceKind.UpstreamGroup, "shop", "catalog-canary"), problem.Id);
        DiagnosticAssert.Single([problem.Diagnostic], DiagnosticSeverity.Error, "destinations[0].destination.upstream", 7, 31, "Upstream shop/catalog-v1 does not exist");
    }

    [Fact]
    public void MissingRouteTableByRef_ErrorAtDelegateAction()
    {
        var problems = Yaml.CrossValidate("""
            apiVersion: gateway.solo.io/v1
            kind: VirtualService
            metadata: {name: storefront, namespace: shop}
            spec:
              virtualHost:
                domains: [shop.example.com]
                routes:
                  - matchers: [{prefix: /api}]
                    delegateAction:
                      ref: {name: api-routes}
            """);

        var problem = SingleProblem(problems);
        Assert.Equal(Storefront, problem.Id);
        Assert.False(problem.Blocking);
        DiagnosticAssert.Single([problem.Diagnostic], DiagnosticSeverity.Error, "virtualHost.routes[0].delegateAction", 10, 11, "RouteTable shop/api-routes does not exist");
    }

    [Fact]
    public void MissingRouteTableByLegacyNameAndNamespace_ErrorAtDelegateAction()
    {
        var problems = Yaml.CrossValidate("""
            apiVersion: gateway.solo.io/v1
            kind: VirtualService
            metadata: {name: storefront, namespace: shop}
            spec:
              virtualHost:
                routes:
                  - matchers: [{prefix: /api}]
                    delegateAction:
                      name: api-routes
                      namespace: api
            """);

        DiagnosticAssert.Single([SingleProblem(problems).Diagnostic], DiagnosticSeverity.Error, "virtualHost.routes[0].delegateAction", 9, 11, "RouteTable api/api-routes does not exist");
    }

    [Fact]
    public void SelectorMatchingNothing_IsAWarning()
    {
        var problems = Yaml.CrossValidate("""
            apiVersion: gateway.solo.io/v1
            kind: VirtualService
            metadata: {name: storefront, namespace: shop}
            spec:
              virtualHost:
                domains: [shop.example.com]
                routes:
                  - matchers: [{prefix: /api}]
                    delegateAction:
                      selector:
                        labels: {team: catalog}
            ---
            # Labelled, but in another namespace than the selector's default (the virtual service's own).
            apiVersion: gateway.solo.io/v1
            kind: RouteTable
            metadata:
              name: catalog-routes
              namespace: catalog
              labels: {team: catalog}
            spec:
              routes:
                - matchers: [{prefix: /api/catalog}]
                  directResponseAction: {status: 200}
            """);

        var problem = SingleProblem(problems);
        Assert.False(problem.Blocking);
        DiagnosticAssert.Single([problem.Diagnostic], DiagnosticSeverity.Warning, "virtualHost.routes[0].delegateAction.selector", 11, 13,
            "the selector matches no RouteTable; requests for this route get 404");
    }

    [Fact]
    public void DelegationCycle_IsABlockingErrorOnTheTableThatClosesIt()
    {
        var problems = Yaml.CrossValidate("""
            apiVersion: gateway.solo.io/v1
            kind: VirtualService
            metadata: {name: storefront, namespace: shop}
            spec:
              virtualHost:
                domains: [shop.example.com]
                routes:
                  - matchers: [{prefix: /api}]
                    delegateAction:
                      ref: {name: a-routes}
            ---
            apiVersion: gateway.solo.io/v1
            kind: RouteTable
            metadata: {name: a-routes, namespace: shop}
            spec:
              routes:
                - matchers: [{prefix: /api/a}]
                  delegateAction:
                    ref: {name: b-routes}
            ---
            apiVersion: gateway.solo.io/v1
            kind: RouteTable
            metadata: {name: b-routes, namespace: shop}
            spec:
              routes:
                - matchers: [{prefix: /api/a/b}]
                  delegateAction:
                    ref: {name: a-routes}
            """);

        var problem = SingleProblem(problems);
        Assert.Equal(new ResourceId(ResourceKind.RouteTable, "shop", "a-routes"), problem.Id);
        Assert.True(problem.Blocking);
        DiagnosticAssert.Single([problem.Diagnostic], DiagnosticSeverity.Error, "routes", 17, 5,
            "delegation cycle: shop/a-routes -> shop/b-routes -> shop/a-routes; a RouteTable must not delegate back to itself");
    }

    [Fact]
    public void RouteTableDelegatingToItself_IsACycle()
    {
        var problems = Yaml.CrossValidate("""
            apiVersion: gateway.solo.io/v1
            kind: VirtualService
            metadata: {name: storefront, namespace: shop}
            spec:
              virtualHost:
                routes:
                  - matchers: [{prefix: /api}]
                    delegateAction: {ref: {name: api-routes}}
            ---
            apiVersion: gateway.solo.io/v1
            kind: RouteTable
            metadata: {name: api-routes, namespace: shop, labels: {team: api}}
            spec:
              routes:
                - matchers: [{prefix: /api/v1}]
                  delegateAction:
                    selector: {labels: {team: api}}
            """);

        var problem = SingleProblem(problems);
        Assert.True(problem.Blocking);
        Assert.Contains("delegation cycle: shop/api-routes -> shop/api-routes", problem.Diagnostic.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ChildRoutePrefixOutsideParentPrefix_IsAnErrorOnTheChild()
    {
        var problems = Yaml.CrossValidate("""
            apiVersion: gateway.solo.io/v1
            kind: VirtualService
            metadata: {name: storefront, namespace: shop}
            spec:
              virtualHost:
                domains: [shop.example.com]
                routes:
                  - matchers: [{prefix: /api}]
                    delegateAction:
                      ref: {name: api-routes}
            ---
            apiVersion: gateway.solo.io/v1
            kind: RouteTable
            metadata: {name: api-routes, namespace: shop}
            spec:
              routes:
                - matchers: [{prefix: /api/catalog}]
                  directResponseAction: {status: 200}
                - matchers: [{exact: /api}]
                  directResponseAction: {status: 200}
                - matchers: [{prefix: /other}]
                  directResponseAction: {status: 200}
            """);

        var problem = SingleProblem(problems);
        Assert.Equal(new ResourceId(ResourceKind.RouteTable, "shop", "api-routes"), problem.Id);
        Assert.False(problem.Blocking);
        DiagnosticAssert.Single([problem.Diagnostic], DiagnosticSeverity.Error, "routes[2].matchers[0]", 21, 18,
            "path '/other' does not start with the delegating route's prefix ('/api' in VirtualService shop/storefront); it could never match");
    }

    [Fact]
    public void GrandchildPrefix_IsCheckedAgainstItsOwnParentTable()
    {
        var problems = Yaml.CrossValidate("""
            apiVersion: gateway.solo.io/v1
            kind: VirtualService
            metadata: {name: storefront, namespace: shop}
            spec:
              virtualHost:
                routes:
                  - matchers: [{prefix: /api}]
                    delegateAction: {ref: {name: api-routes}}
            ---
            apiVersion: gateway.solo.io/v1
            kind: RouteTable
            metadata: {name: api-routes, namespace: shop}
            spec:
              routes:
                - matchers: [{prefix: /api/catalog}]
                  delegateAction: {ref: {name: catalog-routes}}
            ---
            apiVersion: gateway.solo.io/v1
            kind: RouteTable
            metadata: {name: catalog-routes, namespace: shop}
            spec:
              routes:
                - matchers: [{prefix: /api/orders}]
                  directResponseAction: {status: 200}
            """);

        var problem = SingleProblem(problems);
        Assert.Equal(new ResourceId(ResourceKind.RouteTable, "shop", "catalog-routes"), problem.Id);
        Assert.Contains("path '/api/orders' does not start with the delegating route's prefix ('/api/catalog' in RouteTable shop/api-routes)", problem.Diagnostic.Message, StringComparison.Ordinal);
    }

    private const string TwoVirtualServicesClaimingExampleCom = """
        apiVersion: gateway.solo.io/v1
        kind: VirtualService
        metadata: {name: storefront, namespace: shop}
        spec:
          virtualHost:
            domains: [example.com]
            routes:
              - directResponseAction: {status: 200}
        ---
        apiVersion: gateway.solo.io/v1
        kind: VirtualService
        metadata: {name: landing, namespace: marketing}
        spec:
          virtualHost:
            domains: [www.example.com, example.com]
            routes:
              - directResponseAction: {status: 200}
        """;

    [Fact]
    public void SameDomainOnDefaultListener_NoIncumbent_BothRejected()
    {
        var problems = Yaml.CrossValidate(TwoVirtualServicesClaimingExampleCom);

        Assert.Equal(2, problems.Count);
        Assert.All(problems, p => Assert.True(p.Blocking));
        var landing = Assert.Single(problems, p => p.Id.Namespace == "marketing");
        var storefront = Assert.Single(problems, p => p.Id == Storefront);
        DiagnosticAssert.Single([storefront.Diagnostic], DiagnosticSeverity.Error, "virtualHost.domains[0]", 6, 15,
            "domain 'example.com' on listener gateway-proxy (port 8080) is also claimed by VirtualService marketing/landing; each domain belongs to one virtual service");
        DiagnosticAssert.Single([landing.Diagnostic], DiagnosticSeverity.Error, "virtualHost.domains[1]", 15, 32,
            "domain 'example.com' on listener gateway-proxy (port 8080) is also claimed by VirtualService shop/storefront");
    }

    [Fact]
    public void SameDomainOnDefaultListener_IncumbentKeepsIt_OnlyNewcomerRejected()
    {
        var incumbents = new Dictionary<(int Port, string Domain), ResourceId> { [(8080, "example.com")] = Storefront };

        var problems = Yaml.CrossValidate(TwoVirtualServicesClaimingExampleCom, incumbents);

        var problem = SingleProblem(problems);
        Assert.Equal(new ResourceId(ResourceKind.VirtualService, "marketing", "landing"), problem.Id);
        Assert.True(problem.Blocking);
        Assert.Equal("virtualHost.domains[1]", problem.Diagnostic.FieldPath);
    }

    [Fact]
    public void IncumbentOnAnotherListener_DoesNotDecideTheConflict()
    {
        var incumbents = new Dictionary<(int Port, string Domain), ResourceId> { [(8443, "example.com")] = Storefront };

        Assert.Equal(2, Yaml.CrossValidate(TwoVirtualServicesClaimingExampleCom, incumbents).Count);
    }

    [Fact]
    public void SameDomainDifferingInCase_IsStillAConflict_IncumbentMatchedCaseInsensitively()
    {
        var incumbents = new Dictionary<(int Port, string Domain), ResourceId> { [(8080, "shop.example.com")] = Storefront };

        var problems = Yaml.CrossValidate("""
            apiVersion: gateway.solo.io/v1
            kind: VirtualService
            metadata: {name: storefront, namespace: shop}
            spec:
              virtualHost:
                domains: [Shop.Example.com]
                routes:
                  - directResponseAction: {status: 200}
            ---
            apiVersion: gateway.solo.io/v1
            kind: VirtualService
            metadata: {name: storefront-next, namespace: shop}
            spec:
              virtualHost:
                domains: [shop.example.com]
                routes:
                  - directResponseAction: {status: 200}
            """, incumbents);

        Assert.Equal(new ResourceId(ResourceKind.VirtualService, "shop", "storefront-next"), SingleProblem(problems).Id);
    }

    [Fact]
    public void VirtualServicesWithoutDomains_BothClaimWildcard()
    {
        var problems = Yaml.CrossValidate("""
            apiVersion: gateway.solo.io/v1
            kind: VirtualService
            metadata: {name: default, namespace: gloo-system}
            spec:
              virtualHost:
                routes:
                  - directResponseAction: {status: 200}
            ---
            apiVersion: gateway.solo.io/v1
            kind: VirtualService
            metadata: {name: storefront, namespace: shop}
            spec:
              virtualHost:
                routes:
                  - directResponseAction: {status: 200}
            """);

        Assert.Equal(2, problems.Count);
        Assert.All(problems, p => Assert.Equal("virtualHost.domains", p.Diagnostic.FieldPath));
        Assert.All(problems, p => Assert.Contains("domain '*' on listener gateway-proxy (port 8080)", p.Diagnostic.Message, StringComparison.Ordinal));
    }

    [Fact]
    public void SameDomainWithAndWithoutSslConfig_DifferentListeners_NoConflict()
    {
        var problems = Yaml.CrossValidate("""
            apiVersion: gateway.solo.io/v1
            kind: VirtualService
            metadata: {name: storefront-https, namespace: shop}
            spec:
              sslConfig:
                sslFiles: {tlsCert: /etc/sluice/shop.crt, tlsKey: /etc/sluice/shop.key}
              virtualHost:
                domains: [example.com]
                routes:
                  - directResponseAction: {status: 200}
            ---
            apiVersion: gateway.solo.io/v1
            kind: VirtualService
            metadata: {name: storefront-http, namespace: shop}
            spec:
              virtualHost:
                domains: [example.com]
                routes:
                  - redirectAction: {httpsRedirect: true}
            """);

        Assert.Empty(problems);
    }

    [Fact]
    public void SameDomainOnTwoGatewayListeners_NoConflict_SameGateway_Conflict()
    {
        var problems = Yaml.CrossValidate("""
            apiVersion: gateway.solo.io/v1
            kind: Gateway
            metadata: {name: public, namespace: gloo-system}
            spec:
              bindPort: 8080
              httpGateway:
                virtualServiceSelector: {exposure: public}
            ---
            apiVersion: gateway.solo.io/v1
            kind: Gateway
            metadata: {name: internal, namespace: gloo-system}
            spec:
              bindPort: 9080
              httpGateway:
                virtualServices:
                  - {name: storefront-internal, namespace: shop}
            ---
            apiVersion: gateway.solo.io/v1
            kind: VirtualService
            metadata: {name: storefront, namespace: shop, labels: {exposure: public}}
            spec:
              virtualHost:
                domains: [example.com]
                routes:
                  - directResponseAction: {status: 200}
            ---
            apiVersion: gateway.solo.io/v1
            kind: VirtualService
            metadata: {name: storefront-internal, namespace: shop}
            spec:
              virtualHost:
                domains: [example.com]
                routes:
                  - directResponseAction: {status: 200}
            ---
            apiVersion: gateway.solo.io/v1
            kind: VirtualService
            metadata: {name: promo, namespace: marketing, labels: {exposure: public}}
            spec:
              virtualHost:
                domains: [example.com]
                routes:
                  - directResponseAction: {status: 200}
            """);

        Assert.Equal(2, problems.Count);
        Assert.Equal(
            [new ResourceId(ResourceKind.VirtualService, "marketing", "promo"), Storefront],
            problems.Select(p => p.Id).OrderBy(id => id.Namespace, StringComparer.Ordinal));
        Assert.All(problems, p => Assert.Contains("on listener gloo-system/public (port 8080)", p.Diagnostic.Message, StringComparison.Ordinal));
    }

    [Fact]
    public void TwoGatewaysOnOnePort_BlockingErrorOnTheSecond()
    {
        var problems = Yaml.CrossValidate("""
            apiVersion: gateway.solo.io/v1
            kind: Gateway
            metadata: {name: public-http, namespace: gloo-system}
            spec:
              bindAddress: "::"
              bindPort: 8080
            ---
            apiVersion: gateway.solo.io/v1
            kind: Gateway
            metadata: {name: gateway-proxy, namespace: gloo-system}
            spec:
              bindAddress: "::"
              bindPort: 8080
            """);

        var problem = SingleProblem(problems);
        Assert.Equal(new ResourceId(ResourceKind.Gateway, "gloo-system", "public-http"), problem.Id);
        Assert.True(problem.Blocking);
        DiagnosticAssert.Single([problem.Diagnostic], DiagnosticSeverity.Error, "bindPort", 6, 13, "port 8080 is already bound by Gateway gloo-system/gateway-proxy");
    }

    [Fact]
    public void ValidDelegationTree_HasNoProblems()
    {
        var problems = Yaml.CrossValidate("""
            apiVersion: gateway.solo.io/v1
            kind: VirtualService
            metadata: {name: storefront, namespace: shop}
            spec:
              virtualHost:
                domains: [shop.example.com]
                routes:
                  - matchers: [{prefix: /api}]
                    delegateAction:
                      selector:
                        namespaces: ['*']
                        labels: {team: api}
            ---
            apiVersion: gateway.solo.io/v1
            kind: RouteTable
            metadata: {name: catalog-routes, namespace: catalog, labels: {team: api}}
            spec:
              routes:
                - matchers: [{prefix: /api/catalog}]
                  routeAction: {upstreamGroup: {name: catalog-canary, namespace: shop}}
            ---
            apiVersion: gloo.solo.io/v1
            kind: UpstreamGroup
            metadata: {name: catalog-canary, namespace: shop}
            spec:
              destinations:
                - weight: 1
                  destination: {upstream: {name: catalog, namespace: catalog}}
            ---
            apiVersion: gloo.solo.io/v1
            kind: Upstream
            metadata: {name: catalog, namespace: catalog}
            spec:
              static:
                hosts: [{addr: catalog.catalog.svc, port: 8080}]
            """);

        Assert.Empty(problems);
    }
}
