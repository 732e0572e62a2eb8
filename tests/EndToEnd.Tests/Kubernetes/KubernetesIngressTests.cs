using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Sluice.EndToEnd.Tests.Harness;
using Sluice.Kubernetes.Fixture;

namespace Sluice.EndToEnd.Tests.Kubernetes;

/// <summary>Ingresses from the cluster: ours are routed (named ports resolved from the Service) and get a load-balancer status; others are left alone.</summary>
public sealed class KubernetesIngressTests
{
    [Fact]
    public async Task Our_ingress_routes_to_the_service_and_gets_the_publish_address_while_another_class_is_untouched()
    {
        await using var gateway = await KubernetesGateway.StartAsync();
        var api = gateway.Api;
        var port = FreePort.Next();
        await using var pod = await PodBackend.StartAsync("ingress-pod", port);
        api.Create("v1", "services", KubernetesObjects.Service("web", "site", [("http", 80, port)]));
        api.Create("discovery.k8s.io/v1", "endpointslices", KubernetesObjects.EndpointSlice("web", "site-1", "site", [(pod.Address, true, true, false)], [("http", port)]));
        api.Create("networking.k8s.io/v1", "ingressclasses", JsonNode.Parse("""
            {"apiVersion":"networking.k8s.io/v1","kind":"IngressClass","metadata":{"name":"sluice"},"spec":{"controller":"gateway.sluice.dev/ingress-controller"}}
            """)!.AsObject());
        api.Create("networking.k8s.io/v1", "ingresses", Ingress("ours", "sluice", "site.example"));
        api.Create("networking.k8s.io/v1", "ingresses", Ingress("theirs", "nginx", "other.example"));

        await KubernetesGateway.EventuallyAsync(async () => (await GetAsync(gateway, "site.example")).StatusCode == HttpStatusCode.OK, "the Ingress routes");
        await KubernetesGateway.EventuallyAsync(() => Task.FromResult(api.Get("networking.k8s.io/v1", "ingresses", "web", "ours")?["status"]?["loadBalancer"] is not null), "load balancer status");
        using var served = await GetAsync(gateway, "site.example");
        using var other = await GetAsync(gateway, "other.example");
        await Task.Delay(300);

        Assert.Equal("ingress-pod", (await served.Content.ReadFromJsonAsync<EchoResponse>(EchoResponse.JsonOptions))!.Backend);
        Assert.Equal(HttpStatusCode.NotFound, other.StatusCode);
        Assert.Equal("203.0.113.10", api.Get("networking.k8s.io/v1", "ingresses", "web", "ours")!["status"]!["loadBalancer"]!["ingress"]![0]!["ip"]!.GetValue<string>());
        Assert.Null(api.Get("networking.k8s.io/v1", "ingresses", "web", "theirs")!["status"]);
        Assert.DoesNotContain(api.Requests, r => r.IsWrite && r.Path.EndsWith("/ingresses/theirs/status", StringComparison.Ordinal));
    }

    private static async Task<HttpResponseMessage> GetAsync(KubernetesGateway gateway, string host)
    {
        using var client = new HttpClient(new SocketsHttpHandler { UseProxy = false }) { BaseAddress = new Uri($"http://127.0.0.1:{gateway.IngressPort}") };
        using var request = new HttpRequestMessage(HttpMethod.Get, "/page") { Headers = { Host = host } };
        try
        {
            return await client.SendAsync(request);
        }
        catch (HttpRequestException)
        {
            return new HttpResponseMessage(HttpStatusCode.ServiceUnavailable);
        }
    }

    /// <summary>An Ingress of <paramref name="className"/> sending every path of <paramref name="host"/> to Service site's port named http.</summary>
    private static JsonObject Ingress(string name, string className, string host) => JsonNode.Parse($$$$$"""
        {"apiVersion":"networking.k8s.io/v1","kind":"Ingress","metadata":{"name":"{{{{{name}}}}}","namespace":"web"},
         "spec":{"ingressClassName":"{{{{{className}}}}}","rules":[{"host":"{{{{{host}}}}}","http":{"paths":[
           {"path":"/","pathType":"Prefix","backend":{"service":{"name":"site","port":{"name":"http"}}}}]}}]}}
        """)!.AsObject();
}
