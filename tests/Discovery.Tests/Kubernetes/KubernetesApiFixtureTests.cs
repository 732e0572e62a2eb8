using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using k8s;
using k8s.Autorest;
using k8s.Models;
using Sluice.Kubernetes.Fixture;

namespace Sluice.Discovery.Tests.Kubernetes;

/// <summary>The fixture keeps the API server's semantics, checked with the real KubernetesClient.</summary>
public sealed class KubernetesApiFixtureTests
{
    [Fact]
    public async Task Create_list_and_selectors_behave_as_the_api_server()
    {
        await using var api = await KubernetesApiFixture.StartAsync();
        using var client = api.CreateClient();
        await client.CoreV1.CreateNamespacedServiceAsync(Service("a", "blue"), "team");
        await client.CoreV1.CreateNamespacedServiceAsync(Service("b", "green"), "team");
        await client.CoreV1.CreateNamespacedServiceAsync(Service("c", "blue"), "other");

        var all = await client.CoreV1.ListServiceForAllNamespacesAsync();
        var team = await client.CoreV1.ListNamespacedServiceAsync("team");
        var blue = await client.CoreV1.ListServiceForAllNamespacesAsync(labelSelector: "color=blue");
        var notBlue = await client.CoreV1.ListServiceForAllNamespacesAsync(labelSelector: "color notin (blue)");
        var byName = await client.CoreV1.ListServiceForAllNamespacesAsync(fieldSelector: "metadata.name=c");
        var byNamespace = await client.CoreV1.ListServiceForAllNamespacesAsync(fieldSelector: "metadata.namespace!=team");

        Assert.Equal(3, all.Items.Count);
        Assert.Equal(["a", "b"], team.Items.Select(s => s.Metadata.Name));
        Assert.Equal(["a", "c"], blue.Items.Select(s => s.Metadata.Name).Order());
        Assert.Equal(["b"], notBlue.Items.Select(s => s.Metadata.Name));
        Assert.Equal(["c"], byName.Items.Select(s => s.Metadata.Name));
        Assert.Equal(["c"], byNamespace.Items.Select(s => s.Metadata.Name));
        Assert.Equal(api.ResourceVersion.ToString(System.Globalization.CultureInfo.InvariantCulture), all.Metadata.ResourceVersion);
        var conflict = await Assert.ThrowsAsync<HttpOperationException>(() => client.CoreV1.CreateNamespacedServiceAsync(Service("a", "blue"), "team"));
        Assert.Equal(HttpStatusCode.Conflict, conflict.Response.StatusCode);
    }

    [Fact]
    public async Task Stale_write_is_409_and_versions_increase_globally()
    {
        await using var api = await KubernetesApiFixture.StartAsync();
        using var client = api.CreateClient();
        var created = await client.CoreV1.CreateNamespacedServiceAsync(Service("a", "blue"), "team");
        var other = await client.CoreV1.CreateNamespacedServiceAsync(Service("b", "blue"), "team");
        created.Metadata.Labels["color"] = "red";
        var updated = await client.CoreV1.ReplaceNamespacedServiceAsync(created, "a", "team");

        created.Metadata.Labels["color"] = "yellow";
        var stale = await Assert.ThrowsAsync<HttpOperationException>(() => client.CoreV1.ReplaceNamespacedServiceAsync(created, "a", "team"));

        Assert.Equal(HttpStatusCode.Conflict, stale.Response.StatusCode);
        Assert.True(long.Parse(updated.Metadata.ResourceVersion) > long.Parse(other.Metadata.ResourceVersion));
        Assert.Equal("red", (await client.CoreV1.ReadNamespacedServiceAsync("a", "team")).Metadata.Labels["color"]);
    }

    [Fact]
    public async Task Status_subresource_and_generation_follow_the_custom_resource_rules()
    {
        await using var api = await KubernetesApiFixture.StartAsync();
        api.RegisterCustomResource("gateway.sluice.dev", "v1", "virtualservices", "VirtualService");
        using var client = api.CreateClient();
        var body = KubernetesObjects.Custom("gateway.sluice.dev/v1", "VirtualService", "team", "vs", """{"virtualHost":{"domains":["a"]}}""");
        body["status"] = new JsonObject { ["state"] = "Forged" };
        await client.CustomObjects.CreateNamespacedCustomObjectAsync(body, "gateway.sluice.dev", "v1", "team", "virtualservices");

        var withStatus = await client.CustomObjects.PatchNamespacedCustomObjectStatusAsync(
            new V1Patch("""{"status":{"state":"Accepted"},"spec":{"virtualHost":{"domains":["changed"]}}}""", V1Patch.PatchType.MergePatch),
            "gateway.sluice.dev", "v1", "team", "virtualservices", "vs");
        var afterStatus = Parse(withStatus);
        var labelled = Parse(await client.CustomObjects.PatchNamespacedCustomObjectAsync(
            new V1Patch("""{"metadata":{"labels":{"x":"y"}},"status":{"state":"Ignored"}}""", V1Patch.PatchType.MergePatch),
            "gateway.sluice.dev", "v1", "team", "virtualservices", "vs"));
        var respecced = Parse(await client.CustomObjects.PatchNamespacedCustomObjectAsync(
            new V1Patch("""{"spec":{"virtualHost":{"domains":["b"]}}}""", V1Patch.PatchType.MergePatch),
            "gateway.sluice.dev", "v1", "team", "virtualservices", "vs"));

        Assert.Equal("Accepted", afterStatus["status"]!["state"]!.GetValue<string>());
        Assert.Equal("a", afterStatus["spec"]!["virtualHost"]!["domains"]![0]!.GetValue<string>());
        Assert.Equal(1, afterStatus["metadata"]!["generation"]!.GetValue<long>());
        Assert.Equal("Accepted", labelled["status"]!["state"]!.GetValue<string>());
        Assert.Equal(1, labelled["metadata"]!["generation"]!.GetValue<long>());
        Assert.Equal(2, respecced["metadata"]!["generation"]!.GetValue<long>());
    }

    [Fact]
    public async Task Watch_streams_events_and_reports_410_for_a_compacted_version()
    {
        await using var api = await KubernetesApiFixture.StartAsync(historyLimit: 2);
        using var client = api.CreateClient();
        var first = await client.CoreV1.CreateNamespacedServiceAsync(Service("a", "blue"), "team");
        var events = new List<(WatchEventType, string)>();
        using var cancel = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        var watching = Task.Run(async () =>
        {
            await foreach (var (type, item) in client.CoreV1.WatchListNamespacedServiceAsync("team", resourceVersion: first.Metadata.ResourceVersion, cancellationToken: cancel.Token))
            {
                lock (events)
                {
                    events.Add((type, item.Metadata.Name));
                }
            }
        });
        await Eventually.TrueAsync(() => api.OpenWatches == 1, "watch open");
        await client.CoreV1.CreateNamespacedServiceAsync(Service("b", "blue"), "team");
        await client.CoreV1.DeleteNamespacedServiceAsync("a", "team");
        await Eventually.TrueAsync(() => { lock (events) { return events.Count == 2; } }, "two events");
        api.DropWatches();
        await watching.WaitAsync(TimeSpan.FromSeconds(10));

        await client.CoreV1.CreateNamespacedServiceAsync(Service("c", "blue"), "team");
        await client.CoreV1.CreateNamespacedServiceAsync(Service("d", "blue"), "team");
        Exception? error = null;
        await foreach (var _ in client.CoreV1.WatchListNamespacedServiceAsync("team", resourceVersion: first.Metadata.ResourceVersion, onError: e => error = e))
        {
        }

        Assert.Equal([(WatchEventType.Added, "b"), (WatchEventType.Deleted, "a")], events);
        Assert.Equal(410, Assert.IsType<KubernetesException>(error).Status.Code);
    }

    [Fact]
    public async Task List_continuation_older_than_the_history_is_410()
    {
        await using var api = await KubernetesApiFixture.StartAsync();
        using var client = api.CreateClient();
        foreach (var name in new[] { "a", "b", "c" })
        {
            await client.CoreV1.CreateNamespacedServiceAsync(Service(name, "blue"), "team");
        }

        var page = await client.CoreV1.ListNamespacedServiceAsync("team", limit: 2);
        var next = await client.CoreV1.ListNamespacedServiceAsync("team", limit: 2, continueParameter: page.Metadata.ContinueProperty);
        await client.CoreV1.CreateNamespacedServiceAsync(Service("d", "blue"), "team");
        api.ExpireHistory();
        var expired = await Assert.ThrowsAsync<HttpOperationException>(() => client.CoreV1.ListNamespacedServiceAsync("team", limit: 2, continueParameter: page.Metadata.ContinueProperty));

        Assert.Equal(["a", "b"], page.Items.Select(s => s.Metadata.Name));
        Assert.Equal(["c"], next.Items.Select(s => s.Metadata.Name));
        Assert.Equal(HttpStatusCode.Gone, expired.Response.StatusCode);
    }

    [Fact]
    public async Task Injected_failures_and_an_unreachable_server_are_seen_by_the_client()
    {
        await using var api = await KubernetesApiFixture.StartAsync();
        using var client = api.CreateClient();
        api.FailNextRequests(1, 500);
        var failed = await Assert.ThrowsAsync<HttpOperationException>(() => client.CoreV1.ListNamespacedServiceAsync("team"));
        await api.StopAcceptingAsync();
        await Assert.ThrowsAsync<HttpRequestException>(() => client.CoreV1.ListNamespacedServiceAsync("team"));
        await api.ResumeAcceptingAsync();

        Assert.Equal(HttpStatusCode.InternalServerError, failed.Response.StatusCode);
        Assert.Empty((await client.CoreV1.ListNamespacedServiceAsync("team")).Items);
    }

    private static V1Service Service(string name, string color) => new()
    {
        Metadata = new V1ObjectMeta { Name = name, Labels = new Dictionary<string, string> { ["color"] = color } },
        Spec = new V1ServiceSpec { Ports = [new V1ServicePort { Port = 80 }] },
    };

    private static JsonObject Parse(object response) => JsonNode.Parse(JsonSerializer.Serialize(response))!.AsObject();
}
