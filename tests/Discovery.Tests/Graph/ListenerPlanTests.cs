using Sluice.Discovery.Graph;
using Sluice.Discovery.Model;

namespace Sluice.Discovery.Tests.Graph;

public class ListenerPlanTests
{
    private const string VirtualServices = """
        apiVersion: gateway.solo.io/v1
        kind: VirtualService
        metadata: {name: storefront, namespace: shop, labels: {exposure: public}}
        spec:
          virtualHost:
            domains: [shop.example.com]
            routes:
              - directResponseAction: {status: 200}
        ---
        apiVersion: gateway.solo.io/v1
        kind: VirtualService
        metadata: {name: storefront-https, namespace: shop, labels: {exposure: public}}
        spec:
          sslConfig:
            sslFiles: {tlsCert: /etc/sluice/shop.crt, tlsKey: /etc/sluice/shop.key}
          virtualHost:
            domains: [shop.example.com]
            routes:
              - directResponseAction: {status: 200}
        ---
        apiVersion: gateway.solo.io/v1
        kind: VirtualService
        metadata: {name: admin, namespace: ops}
        spec:
          virtualHost:
            domains: [admin.example.com]
            routes:
              - directResponseAction: {status: 200}
        """;

    private static ResourceId Vs(string ns, string name) => new(ResourceKind.VirtualService, ns, name);

    private static IReadOnlyList<ResourceId> Served(ListenerAssignment listener) => [.. listener.VirtualServices.Select(vs => vs.Id)];

    [Fact]
    public void WithoutGateways_GlooDefaultListenersSplitBySslConfig()
    {
        var listeners = ListenerPlan.Assign(Yaml.Index(VirtualServices));

        Assert.Equal(2, listeners.Count);
        Assert.Equal(("gateway-proxy", "::", 8080, false), (listeners[0].Name, listeners[0].BindAddress, listeners[0].Port, listeners[0].Ssl));
        Assert.Equal([Vs("ops", "admin"), Vs("shop", "storefront")], Served(listeners[0]));
        Assert.Equal(("gateway-proxy-ssl", "::", 8443, true), (listeners[1].Name, listeners[1].BindAddress, listeners[1].Port, listeners[1].Ssl));
        Assert.Equal([Vs("shop", "storefront-https")], Served(listeners[1]));
        Assert.All(listeners, l => Assert.Null(l.Gateway));
    }

    [Fact]
    public void GatewayWithoutHttpGateway_ServesEveryVirtualServiceOfItsSslKind()
    {
        var listeners = ListenerPlan.Assign(Yaml.Index(VirtualServices + """

            ---
            apiVersion: gateway.solo.io/v1
            kind: Gateway
            metadata: {name: gateway-proxy-ssl, namespace: gloo-system}
            spec:
              bindAddress: 0.0.0.0
              bindPort: 443
              ssl: true
            """));

        var listener = Assert.Single(listeners);
        Assert.Equal(("gloo-system/gateway-proxy-ssl", "0.0.0.0", 443, true), (listener.Name, listener.BindAddress, listener.Port, listener.Ssl));
        Assert.Equal([Vs("shop", "storefront-https")], Served(listener));
        Assert.NotNull(listener.Gateway);
    }

    [Fact]
    public void GatewayWithVirtualServiceRefs_ServesOnlyThose_NamespaceDefaultsToGateways()
    {
        var listeners = ListenerPlan.Assign(Yaml.Index(VirtualServices + """

            ---
            apiVersion: gateway.solo.io/v1
            kind: Gateway
            metadata: {name: admin, namespace: ops}
            spec:
              bindPort: 9080
              httpGateway:
                virtualServices:
                  - name: admin
                  - name: storefront
            """));

        Assert.Equal([Vs("ops", "admin")], Served(Assert.Single(listeners)));
    }

    [Fact]
    public void GatewayWithSelectorAndNamespaces_ServesMatchingVirtualServices()
    {
        var listeners = ListenerPlan.Assign(Yaml.Index(VirtualServices + """

            ---
            apiVersion: gateway.solo.io/v1
            kind: Gateway
            metadata: {name: public, namespace: gloo-system}
            spec:
              bindPort: 8080
              httpGateway:
                virtualServiceNamespaces: [shop, ops]
                virtualServiceSelector: {exposure: public}
            ---
            apiVersion: gateway.solo.io/v1
            kind: Gateway
            metadata: {name: private, namespace: gloo-system}
            spec:
              bindPort: 9080
              httpGateway:
                virtualServiceNamespaces: ['*']
                virtualServiceExpressions:
                  - key: exposure
                    operator: DoesNotExist
            ---
            apiVersion: gateway.solo.io/v1
            kind: Gateway
            metadata: {name: marketing, namespace: gloo-system}
            spec:
              bindPort: 7080
              httpGateway:
                virtualServiceNamespaces: [marketing]
            """));

        Assert.Equal(["gloo-system/marketing", "gloo-system/private", "gloo-system/public"], listeners.Select(l => l.Name));
        Assert.Empty(Served(listeners[0]));
        Assert.Equal([Vs("ops", "admin")], Served(listeners[1]));
        Assert.Equal([Vs("shop", "storefront")], Served(listeners[2]));
    }
}
