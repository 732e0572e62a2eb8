using System.Net;
using System.Net.Http.Json;
using Sluice.Discovery.Kubernetes;
using Sluice.EndToEnd.Tests.Harness;
using Sluice.Kubernetes.Fixture;

namespace Sluice.EndToEnd.Tests.Kubernetes;

/// <summary><c>sluice run --kubernetes</c> against the API-server fixture: CRDs route to Services' endpoints.</summary>
public sealed class KubernetesRoutingTests
{
    [Fact]
    public async Task VirtualService_crd_routes_to_the_ready_endpoints_of_a_discovered_service()
    {
        await using var gateway = await KubernetesGateway.StartAsync();
        var port = FreePort.Next();
        await using var pod1 = await PodBackend.StartAsync("pod-1", port);
        await using var pod2 = await PodBackend.StartAsync("pod-2", port);
        var notReady = PodBackend.NextAddress();
        var api = gateway.Api;
        api.Create("v1", "services", KubernetesObjects.Service("shop", "echo", [("http", 80, port)]));
        api.Create("discovery.k8s.io/v1", "endpointslices", KubernetesObjects.EndpointSlice("shop", "echo-abc", "echo",
            [(pod1.Address, true, true, false), (pod2.Address, true, true, false), (notReady, false, false, false)], [("http", port)]));
        api.Create("gateway.sluice.dev/v1", "virtualservices", KubernetesGateway.VirtualService("shop", "shop", KubernetesNames.UpstreamName("shop", "echo", 80)));

        await gateway.WaitForRouteAsync("/hello");
        using var client = gateway.CreateClient();
        var served = new HashSet<string>();
        for (var i = 0; i < 20; i++)
        {
            using var response = await client.GetAsync("/hello");
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            served.Add((await response.Content.ReadFromJsonAsync<EchoResponse>(EchoResponse.JsonOptions))!.Backend);
        }

        Assert.Equal(["pod-1", "pod-2"], served.Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task A_gloo_kube_upstream_follows_its_service_and_a_deleted_route_stops_serving()
    {
        await using var gateway = await KubernetesGateway.StartAsync();
        var port = FreePort.Next();
        await using var pod = await PodBackend.StartAsync("kube-pod", port);
        var api = gateway.Api;
        api.Create("v1", "services", KubernetesObjects.Service("shop", "cart", [(null, 8080, port)]));
        api.Create("discovery.k8s.io/v1", "endpointslices", KubernetesObjects.EndpointSlice("shop", "cart-1", "cart", [(pod.Address, true, true, false)], [(null, port)]));
        api.Create("gateway.sluice.dev/v1", "upstreams", KubernetesObjects.Custom("gateway.sluice.dev/v1", "Upstream", "shop", "cart",
            """{"kube":{"serviceName":"cart","servicePort":8080}}"""));
        api.Create("gateway.sluice.dev/v1", "virtualservices", KubernetesGateway.VirtualService("shop", "cart", "cart", "/cart"));

        await gateway.WaitForRouteAsync("/cart/items", "kube-pod");
        api.Delete("gateway.sluice.dev/v1", "virtualservices", "shop", "cart");
        await KubernetesGateway.EventuallyAsync(async () =>
        {
            using var client = gateway.CreateClient();
            using var response = await client.GetAsync("/cart/items");
            return response.StatusCode == HttpStatusCode.NotFound;
        }, "route removed");
    }
}
