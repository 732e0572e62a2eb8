using System.Net;
using Sluice.Discovery.Kubernetes;
using Sluice.EndToEnd.Tests.Harness;
using Sluice.Kubernetes.Fixture;

namespace Sluice.EndToEnd.Tests.Kubernetes;

/// <summary>
/// A Deployment rolling update as the gateway sees it: a new pod becomes ready, an old one turns terminating (still
/// serving, as with a preStop delay), leaves the slice and stops. Continuous traffic must see only 2xx.
/// </summary>
public sealed class RollingUpdateTests
{
    [Fact]
    public async Task Replacing_every_endpoint_one_by_one_under_load_costs_no_request()
    {
        await using var gateway = await KubernetesGateway.StartAsync();
        var api = gateway.Api;
        var port = FreePort.Next();
        var pods = new List<PodBackend> { await PodBackend.StartAsync("old-0", port), await PodBackend.StartAsync("old-1", port) };
        var terminating = new List<PodBackend>();
        api.Create("v1", "services", KubernetesObjects.Service("shop", "web", [("http", 80, port)]));
        api.Apply("discovery.k8s.io/v1", "endpointslices", Slice(pods, terminating, port));
        api.Create("gateway.sluice.dev/v1", "virtualservices", KubernetesGateway.VirtualService("shop", "web", KubernetesNames.UpstreamName("shop", "web", 80)));
        await gateway.WaitForRouteAsync("/");

        using var stop = new CancellationTokenSource();
        var failures = new List<string>();
        var ok = 0;
        var load = Enumerable.Range(0, 3).Select(_ => Task.Run(async () =>
        {
            using var client = gateway.CreateClient();
            while (!stop.IsCancellationRequested)
            {
                try
                {
                    using var response = await client.GetAsync("/work");
                    if (response.StatusCode == HttpStatusCode.OK)
                    {
                        Interlocked.Increment(ref ok);
                    }
                    else
                    {
                        var body = await response.Content.ReadAsStringAsync();
                        lock (failures)
                        {
                            failures.Add($"{(int)response.StatusCode} {body}");
                        }
                    }
                }
                catch (HttpRequestException ex)
                {
                    lock (failures)
                    {
                        failures.Add(ex.Message);
                    }
                }
            }
        })).ToList();

        for (var i = 0; i < 2; i++)
        {
            // The new pod starts and becomes ready.
            var fresh = await PodBackend.StartAsync($"new-{i}", port);
            pods.Add(fresh);
            await ApplyAndWaitAsync(gateway, () => api.Apply("discovery.k8s.io/v1", "endpointslices", Slice(pods, terminating, port)));

            // The old pod is told to stop: terminating but serving while its preStop delay runs.
            var old = pods[0];
            pods.RemoveAt(0);
            terminating.Add(old);
            await ApplyAndWaitAsync(gateway, () => api.Apply("discovery.k8s.io/v1", "endpointslices", Slice(pods, terminating, port)));

            // Gone from the slice, then the process ends.
            terminating.Remove(old);
            await ApplyAndWaitAsync(gateway, () => api.Apply("discovery.k8s.io/v1", "endpointslices", Slice(pods, terminating, port)));
            await old.DisposeAsync();
        }

        await Task.Delay(300);
        await stop.CancelAsync();
        await Task.WhenAll(load);
        var servedByNew = pods.Sum(p => p.RequestCount);
        foreach (var pod in pods)
        {
            await pod.DisposeAsync();
        }

        Assert.Empty(failures);
        Assert.True(ok > 50, $"only {ok} requests ran");
        Assert.True(servedByNew > 0);
    }

    private static System.Text.Json.Nodes.JsonObject Slice(List<PodBackend> ready, List<PodBackend> terminating, int port) =>
        KubernetesObjects.EndpointSlice("shop", "web-abc", "web",
            [.. ready.Select(p => (p.Address, true, true, false)), .. terminating.Select(p => (p.Address, false, true, true))], [("http", port)]);

    /// <summary>Makes a cluster change and waits until the gateway serves a snapshot built after it (plus a moment for requests already routed).</summary>
    private static async Task ApplyAndWaitAsync(KubernetesGateway gateway, Action change)
    {
        var before = gateway.Version;
        change();
        await KubernetesGateway.EventuallyAsync(() => Task.FromResult(gateway.Version > before), "the change applied");
        await Task.Delay(150);
    }
}
