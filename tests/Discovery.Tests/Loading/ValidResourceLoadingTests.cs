using System.Text.Json;
using Sluice.Discovery.Model;

namespace Sluice.Discovery.Tests.Loading;

public class ValidResourceLoadingTests
{
    [Fact]
    public void VirtualService_BindsDomainsRoutesMatchersActionsAndOptions()
    {
        var virtualService = Yaml.LoadOne<VirtualService>("""
            apiVersion: gateway.sluice.dev/v1
            kind: VirtualService
            metadata:
              name: storefront
              namespace: shop
              labels:
                team: web
            spec:
              virtualHost:
                domains:
                  - shop.example.com
                  - "*.shop.example.com"
                routes:
                  - name: api
                    matchers:
                      - prefix: /api
                        headers:
                          - name: x-canary
                            value: "true"
                        methods: [GET, POST]
                    routeAction:
                      single:
                        upstream:
                          name: catalog
                          namespace: backends
                    options:
                      prefixRewrite: /
                      timeout: 15s
                  - matchers:
                      - exact: /healthz
                    directResponseAction:
                      status: 200
                      body: ok
                  - matchers:
                      - prefix: /old
                    redirectAction:
                      hostRedirect: www.example.com
                      pathRedirect: /new
                      responseCode: PERMANENT_REDIRECT
            """);

        Assert.Equal(new ResourceId(ResourceKind.VirtualService, "shop", "storefront"), virtualService.Id);
        Assert.Equal("gateway.sluice.dev/v1", virtualService.ApiVersion);
        Assert.Equal("web", virtualService.Metadata.Labels["team"]);
        var host = virtualService.Spec.VirtualHost;
        Assert.Equal(["shop.example.com", "*.shop.example.com"], host.Domains);
        Assert.Equal(3, host.Routes.Count);

        var api = host.Routes[0];
        Assert.Equal("api", api.Name);
        var matcher = Assert.Single(api.Matchers);
        Assert.Equal("/api", matcher.Prefix);
        Assert.Equal(["GET", "POST"], matcher.Methods);
        var header = Assert.Single(matcher.Headers);
        Assert.Equal(("x-canary", "true"), (header.Name, header.Value));
        Assert.Equal("catalog", api.RouteAction!.Single!.Upstream!.Name);
        Assert.Equal("backends", api.RouteAction.Single.Upstream.Namespace);
        Assert.Equal("/", api.Options.Values["prefixRewrite"]);
        Assert.Equal(TimeSpan.FromSeconds(15), api.Options.Values["timeout"]);

        Assert.Equal("/healthz", host.Routes[1].Matchers[0].Exact);
        Assert.Equal(200u, host.Routes[1].DirectResponseAction!.Status);
        Assert.Equal("ok", host.Routes[1].DirectResponseAction!.Body);

        var redirect = host.Routes[2].RedirectAction!;
        Assert.Equal(("www.example.com", "/new"), (redirect.HostRedirect, redirect.PathRedirect));
        Assert.Equal(RedirectResponseCode.PERMANENT_REDIRECT, redirect.ResponseCode);
    }

    [Fact]
    public void RouteTable_BindsWeightAndRoutes()
    {
        var table = Yaml.LoadOne<RouteTable>("""
            apiVersion: gateway.sluice.dev/v1
            kind: RouteTable
            metadata:
              name: catalog-routes
              namespace: shop
            spec:
              weight: 20
              routes:
                - matchers:
                    - prefix: /api/catalog
                  routeAction:
                    single:
                      upstream:
                        name: catalog
            """);

        Assert.Equal(new ResourceId(ResourceKind.RouteTable, "shop", "catalog-routes"), table.Id);
        Assert.Equal(20, table.Spec.Weight);
        Assert.Equal("/api/catalog", Assert.Single(Assert.Single(table.Spec.Routes).Matchers).Prefix);
    }

    [Fact]
    public void Upstream_BindsStaticHosts()
    {
        var upstream = Yaml.LoadOne<Upstream>("""
            apiVersion: gateway.sluice.dev/v1
            kind: Upstream
            metadata:
              name: catalog
              namespace: shop
            spec:
              useHttp2: true
              static:
                useTls: true
                hosts:
                  - addr: catalog-1.shop.svc.cluster.local
                    port: 8443
                  - addr: 10.0.4.17
                    port: 8443
                    sniAddr: catalog.shop.example.com
            """);

        var hosts = upstream.Spec.Static!.Hosts;
        Assert.True(upstream.Spec.UseHttp2);
        Assert.True(upstream.Spec.Static.UseTls);
        Assert.Equal(2, hosts.Count);
        Assert.Equal(("catalog-1.shop.svc.cluster.local", 8443u), (hosts[0].Addr, hosts[0].Port));
        Assert.Equal("catalog.shop.example.com", hosts[1].SniAddr);
    }

    [Fact]
    public void UpstreamGroup_BindsWeightedDestinations()
    {
        var group = Yaml.LoadOne<UpstreamGroup>("""
            apiVersion: gateway.sluice.dev/v1
            kind: UpstreamGroup
            metadata:
              name: catalog-canary
              namespace: shop
            spec:
              destinations:
                - weight: 90
                  destination:
                    upstream:
                      name: catalog-v1
                - weight: 10
                  destination:
                    upstream:
                      name: catalog-v2
            """);

        Assert.Equal(
            [("catalog-v1", 90u), ("catalog-v2", 10u)],
            group.Spec.Destinations.Select(d => (d.Destination.Upstream!.Name, d.Weight)));
    }

    [Fact]
    public void Gateway_BindsListenerAndVirtualServiceSelection()
    {
        var gateway = Yaml.LoadOne<Gateway>("""
            apiVersion: gateway.sluice.dev/v1
            kind: Gateway
            metadata:
              name: gateway-proxy
              namespace: gloo-system
            spec:
              bindAddress: "::"
              bindPort: 8080
              proxyNames:
                - gateway-proxy
              httpGateway:
                virtualServiceNamespaces: [shop]
                virtualServiceSelector:
                  exposed: "true"
            """);

        Assert.Equal(("::", 8080u, false), (gateway.Spec.BindAddress, gateway.Spec.BindPort, gateway.Spec.Ssl));
        Assert.Equal(["gateway-proxy"], gateway.Spec.ProxyNames);
        Assert.Equal(["shop"], gateway.Spec.HttpGateway!.VirtualServiceNamespaces);
        Assert.Equal("true", gateway.Spec.HttpGateway.VirtualServiceSelector["exposed"]);
    }

    [Fact]
    public void Resource_WithoutNamespace_IsInDefault()
    {
        var upstream = Yaml.LoadOne<Upstream>("""
            apiVersion: gloo.solo.io/v1
            kind: Upstream
            metadata:
              name: catalog
            spec:
              static:
                hosts: [{addr: catalog.internal, port: 80}]
            """);

        Assert.Equal(new ResourceId(ResourceKind.Upstream, "default", "catalog"), upstream.Id);
    }

    public static TheoryData<string, string> GlooApiVersions() => new()
    {
        { "VirtualService", "gateway.solo.io/v1" },
        { "RouteTable", "gateway.solo.io/v1" },
        { "Gateway", "gateway.solo.io/v1" },
        { "Upstream", "gloo.solo.io/v1" },
        { "UpstreamGroup", "gloo.solo.io/v1" },
    };

    [Theory]
    [MemberData(nameof(GlooApiVersions))]
    public void GlooApiVersion_LoadsTheSameResourceAsSluiceApiVersion(string kind, string glooApiVersion)
    {
        var sluice = Assert.Single(Yaml.LoadClean(GlooStyleDocument(kind, "gateway.sluice.dev/v1")));
        var gloo = Assert.Single(Yaml.LoadClean(GlooStyleDocument(kind, glooApiVersion)));

        Assert.Equal(glooApiVersion, gloo.ApiVersion);
        Assert.Equal(sluice.Id, gloo.Id);
        Assert.Equal(kind, gloo.Kind.ToString());
        Assert.Equal(SpecJson(sluice), SpecJson(gloo));
        Assert.NotEqual("{}", SpecJson(gloo));
    }

    private static string SpecJson(Resource resource) => resource switch
    {
        VirtualService r => JsonSerializer.Serialize(r.Spec),
        RouteTable r => JsonSerializer.Serialize(r.Spec),
        Gateway r => JsonSerializer.Serialize(r.Spec),
        Upstream r => JsonSerializer.Serialize(r.Spec),
        UpstreamGroup r => JsonSerializer.Serialize(r.Spec),
        _ => throw new ArgumentOutOfRangeException(nameof(resource)),
    };

    /// <summary>Documents as Gloo users keep them in git (taken from Gloo Edge's docs, trimmed).</summary>
    private static string GlooStyleDocument(string kind, string apiVersion) => kind switch
    {
        "VirtualService" => $"""
            apiVersion: {apiVersion}
            kind: VirtualService
            metadata:
              name: default
              namespace: gloo-system
            spec:
              virtualHost:
                domains:
                  - '*'
                routes:
                  - matchers:
                      - prefix: /petstore
                    routeAction:
                      single:
                        upstream:
                          name: default-petstore-8080
                          namespace: gloo-system
                    options:
                      prefixRewrite: /api/pets
            """,
        "RouteTable" => $"""
            apiVersion: {apiVersion}
            kind: RouteTable
            metadata:
              name: a-routes
              namespace: a
              labels:
                domain: example.com
            spec:
              weight: 10
              routes:
                - matchers:
                    - prefix: /a/1
                  routeAction:
                    single:
                      upstream:
                        name: default-petstore-8080
                        namespace: gloo-system
            """,
        "Gateway" => $$"""
            apiVersion: {{apiVersion}}
            kind: Gateway
            metadata:
              name: gateway-proxy
              namespace: gloo-system
            spec:
              bindAddress: '::'
              bindPort: 8080
              httpGateway: {}
              proxyNames:
                - gateway-proxy
            """,
        "Upstream" => $"""
            apiVersion: {apiVersion}
            kind: Upstream
            metadata:
              name: json-upstream
              namespace: gloo-system
            spec:
              static:
                hosts:
                  - addr: jsonplaceholder.typicode.com
                    port: 80
            """,
        "UpstreamGroup" => $"""
            apiVersion: {apiVersion}
            kind: UpstreamGroup
            metadata:
              name: my-service-group
              namespace: gloo-system
            spec:
              destinations:
                - destination:
                    upstream:
                      name: default-my-service-v1-8080
                      namespace: gloo-system
                  weight: 9
                - destination:
                    upstream:
                      name: default-my-service-v2-8080
                      namespace: gloo-system
                  weight: 1
            """,
        _ => throw new ArgumentOutOfRangeException(nameof(kind)),
    };
}
