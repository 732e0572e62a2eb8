using System.Net;
using System.Text.Json.Nodes;
using Sluice.Discovery.Kubernetes;
using Sluice.EndToEnd.Tests.Harness;
using Sluice.Kubernetes.Fixture;

namespace Sluice.EndToEnd.Tests.Kubernetes;

/// <summary>Secrets from the cluster: an AuthConfig's API key Secret rotates live; other Secrets are never read into the configuration.</summary>
public sealed class KubernetesSecretTests
{
    [Fact]
    public async Task An_api_key_secret_rotated_in_the_cluster_applies_live()
    {
        await using var gateway = await KubernetesGateway.StartAsync();
        var api = gateway.Api;
        var port = FreePort.Next();
        await using var pod = await PodBackend.StartAsync("keyed", port);
        api.Create("v1", "services", KubernetesObjects.Service("shop", "api", [("http", 80, port)]));
        api.Create("discovery.k8s.io/v1", "endpointslices", KubernetesObjects.EndpointSlice("shop", "api-1", "api", [(pod.Address, true, true, false)], [("http", port)]));
        api.Create("v1", "secrets", KubernetesObjects.Secret("shop", "partner-key", new Dictionary<string, string> { ["api-key"] = "key-one" }, "extauth.solo.io/apikey"));
        api.Create("gateway.sluice.dev/v1", "authconfigs", KubernetesObjects.Custom("gateway.sluice.dev/v1", "AuthConfig", "shop", "api-keys",
            """{"configs":[{"apiKeyAuth":{"headerName":"x-api-key","apiKeySecretRefs":[{"name":"partner-key"}]}}]}"""));
        var virtualService = KubernetesGateway.VirtualService("shop", "keyed", KubernetesNames.UpstreamName("shop", "api", 80));
        virtualService["spec"]!["virtualHost"]!["options"] = JsonNode.Parse("""{"extauth":{"configRef":{"name":"api-keys"}}}""");
        api.Create("gateway.sluice.dev/v1", "virtualservices", virtualService);

        await KubernetesGateway.EventuallyAsync(async () => await StatusAsync(gateway, "key-one") == HttpStatusCode.OK, "key-one accepted");
        Assert.Equal(HttpStatusCode.Unauthorized, await StatusAsync(gateway, "key-two"));

        api.Apply("v1", "secrets", KubernetesObjects.Secret("shop", "partner-key", new Dictionary<string, string> { ["api-key"] = "key-two" }, "extauth.solo.io/apikey"));
        await KubernetesGateway.EventuallyAsync(async () => await StatusAsync(gateway, "key-two") == HttpStatusCode.OK, "key-two accepted after rotation");

        Assert.Equal(HttpStatusCode.Unauthorized, await StatusAsync(gateway, "key-one"));
    }

    private static async Task<HttpStatusCode> StatusAsync(KubernetesGateway gateway, string key)
    {
        using var client = gateway.CreateClient();
        using var request = new HttpRequestMessage(HttpMethod.Get, "/orders");
        request.Headers.TryAddWithoutValidation("x-api-key", key);
        try
        {
            using var response = await client.SendAsync(request);
            return response.StatusCode;
        }
        catch (HttpRequestException)
        {
            return HttpStatusCode.ServiceUnavailable;
        }
    }
}
