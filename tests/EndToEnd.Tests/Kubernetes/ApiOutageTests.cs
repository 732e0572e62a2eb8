using System.Net;
using Sluice.Discovery.Kubernetes;
using Sluice.EndToEnd.Tests.Harness;
using Sluice.Kubernetes.Fixture;

namespace Sluice.EndToEnd.Tests.Kubernetes;

/// <summary>The API server goes away: the gateway keeps serving its last snapshot, says so, and catches up afterwards.</summary>
public sealed class ApiOutageTests
{
    [Fact]
    public async Task Serving_continues_while_the_api_is_unreachable_readyz_says_degraded_and_changes_apply_after()
    {
        await using var gateway = await KubernetesGateway.StartAsync();
        var api = gateway.Api;
        var port = FreePort.Next();
        await using var pod = await PodBackend.StartAsync("steady", port);
        api.Create("v1", "services", KubernetesObjects.Service("shop", "steady", [("http", 80, port)]));
        api.Create("discovery.k8s.io/v1", "endpointslices", KubernetesObjects.EndpointSlice("shop", "steady-1", "steady", [(pod.Address, true, true, false)], [("http", port)]));
        api.Create("gateway.sluice.dev/v1", "virtualservices", KubernetesGateway.VirtualService("shop", "steady", KubernetesNames.UpstreamName("shop", "steady", 80), "/steady"));
        await gateway.WaitForRouteAsync("/steady");

        await api.StopAcceptingAsync();
        using var admin = gateway.CreateAdminClient();
        string readiness = string.Empty;
        await KubernetesGateway.EventuallyAsync(async () =>
        {
            using var response = await admin.GetAsync("/readyz");
            readiness = await response.Content.ReadAsStringAsync();
            return response.StatusCode == HttpStatusCode.OK && readiness.Contains("degraded", StringComparison.Ordinal);
        }, "readyz degraded");
        using var client = gateway.CreateClient();
        using var during = await client.GetAsync("/steady/x");

        // Written while the API server is unreachable; seen once it is back.
        api.Apply("gateway.sluice.dev/v1", "virtualservices", KubernetesGateway.VirtualService("shop", "steady", KubernetesNames.UpstreamName("shop", "steady", 80), "/later"));
        await api.ResumeAcceptingAsync();
        await gateway.WaitForRouteAsync("/later");
        await KubernetesGateway.EventuallyAsync(async () => await admin.GetStringAsync("/readyz") == "ready\n", "readyz recovered");

        Assert.Equal(HttpStatusCode.OK, during.StatusCode);
        Assert.Contains("Kubernetes API unreachable", readiness, StringComparison.Ordinal);
    }
}
