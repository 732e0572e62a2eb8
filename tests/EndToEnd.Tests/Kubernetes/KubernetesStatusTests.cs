using System.Net;
using System.Text.Json.Nodes;
using Sluice.Discovery.Kubernetes;
using Sluice.EndToEnd.Tests.Harness;
using Sluice.Gateway.Cli;
using Sluice.Kubernetes.Fixture;

namespace Sluice.EndToEnd.Tests.Kubernetes;

/// <summary>Status written back to the CRDs: the same verdict and words as <c>sluice validate</c>, by the leader only.</summary>
public sealed class KubernetesStatusTests
{
    private const string BadSpec = """
        {"virtualHost":{"domains":["bad.example"],"routes":[{"matchers":[{"prefix":"/bad"}],"routeAction":{"single":{"upstream":{"name":"nowhere"}}},"optionz":{}}]}}
        """;

    [Fact]
    public async Task A_bad_crd_is_rejected_in_its_status_with_the_validate_message_and_the_others_keep_serving()
    {
        await using var gateway = await KubernetesGateway.StartAsync();
        await using var backend = await PodBackend.StartAsync("good", FreePort.Next());
        var api = gateway.Api;
        api.Create("v1", "services", KubernetesObjects.Service("shop", "good", [("http", 80, backend.Port)]));
        api.Create("discovery.k8s.io/v1", "endpointslices", KubernetesObjects.EndpointSlice("shop", "good-1", "good", [(backend.Address, true, true, false)], [("http", backend.Port)]));
        api.Create("gateway.sluice.dev/v1", "virtualservices", KubernetesGateway.VirtualService("shop", "good", KubernetesNames.UpstreamName("shop", "good", 80), domain: "good.example"));
        var bad = KubernetesObjects.Custom("gateway.sluice.dev/v1", "VirtualService", "shop", "bad", BadSpec);
        api.Create("gateway.sluice.dev/v1", "virtualservices", bad);

        var status = await WaitForStatusAsync(api, "shop", "bad", s => s["state"]?.GetValue<string>() == "Rejected");
        var good = await WaitForStatusAsync(api, "shop", "good", s => s["state"]?.GetValue<string>() == "Accepted");
        var expected = ValidateMessages(bad);

        Assert.NotEmpty(expected);
        Assert.Equal(string.Join('\n', expected), status["reason"]!.GetValue<string>());
        Assert.Equal(1, status["observedGeneration"]!.GetValue<long>());
        Assert.Equal(1, good["observedGeneration"]!.GetValue<long>());
        using var client = gateway.CreateClient();
        using var request = new HttpRequestMessage(HttpMethod.Get, "/x") { Headers = { Host = "good.example" } };
        using var response = await client.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task A_fixed_crd_becomes_accepted_with_its_new_generation_and_a_quiet_cluster_sees_no_more_writes()
    {
        await using var gateway = await KubernetesGateway.StartAsync();
        var api = gateway.Api;
        api.Create("gateway.sluice.dev/v1", "virtualservices", KubernetesObjects.Custom("gateway.sluice.dev/v1", "VirtualService", "shop", "vs", BadSpec));
        await WaitForStatusAsync(api, "shop", "vs", s => s["state"]?.GetValue<string>() == "Rejected");
        api.Apply("gateway.sluice.dev/v1", "virtualservices", KubernetesObjects.Custom("gateway.sluice.dev/v1", "VirtualService", "shop", "vs",
            """{"virtualHost":{"domains":["vs.example"],"routes":[{"matchers":[{"prefix":"/"}],"directResponseAction":{"status":200,"body":"ok"}}]}}"""));

        var fixedStatus = await WaitForStatusAsync(api, "shop", "vs", s => s["state"]?.GetValue<string>() == "Accepted");
        await Task.Delay(500);
        var writesBefore = api.Requests.Count(r => r.IsWrite && !r.Path.Contains("/leases", StringComparison.Ordinal));
        await Task.Delay(1500);
        var writesAfter = api.Requests.Count(r => r.IsWrite && !r.Path.Contains("/leases", StringComparison.Ordinal));

        Assert.Equal(2, fixedStatus["observedGeneration"]!.GetValue<long>());
        Assert.Equal(string.Empty, fixedStatus["reason"]!.GetValue<string>());
        Assert.Equal(writesBefore, writesAfter);
    }

    [Fact]
    public async Task Two_replicas_elect_one_writer_and_the_other_takes_over_when_it_stops()
    {
        await using var first = await KubernetesGateway.StartAsync(identity: "replica-a");
        var api = first.Api;
        await using var second = await KubernetesGateway.StartAsync(api, identity: "replica-b", start: false);
        await second.StartGatewayAsync("replica-b");
        api.Create("gateway.sluice.dev/v1", "virtualservices", KubernetesObjects.Custom("gateway.sluice.dev/v1", "VirtualService", "shop", "one",
            """{"virtualHost":{"domains":["one.example"],"routes":[{"matchers":[{"prefix":"/"}],"directResponseAction":{"status":200}}]}}"""));
        await WaitForStatusAsync(api, "shop", "one", s => s["state"]?.GetValue<string>() == "Accepted");
        var holder = Holder(api);
        var (leader, follower) = holder == "replica-a" ? (first, second) : (second, first);

        Assert.Contains(holder, new[] { "replica-a", "replica-b" });
        Assert.Equal(0, follower.StatusWrites);
        Assert.True(leader.StatusWrites > 0);

        await leader.StopGatewayAsync();
        api.Create("gateway.sluice.dev/v1", "virtualservices", KubernetesObjects.Custom("gateway.sluice.dev/v1", "VirtualService", "shop", "two",
            """{"virtualHost":{"domains":["two.example"],"routes":[{"matchers":[{"prefix":"/"}],"directResponseAction":{"status":200}}]}}"""));
        await WaitForStatusAsync(api, "shop", "two", s => s["state"]?.GetValue<string>() == "Accepted", TimeSpan.FromSeconds(30));

        Assert.NotEqual(holder, Holder(api));
        Assert.True(follower.StatusWrites > 0);
    }

    private static string? Holder(KubernetesApiFixture api) =>
        api.Get("coordination.k8s.io/v1", "leases", "sluice-system", "sluice-leader")?["spec"]?["holderIdentity"]?.GetValue<string>();

    private static async Task<JsonObject> WaitForStatusAsync(KubernetesApiFixture api, string ns, string name, Func<JsonObject, bool> condition, TimeSpan? timeout = null)
    {
        JsonObject? status = null;
        await KubernetesGateway.EventuallyAsync(() =>
        {
            status = api.Get("gateway.sluice.dev/v1", "virtualservices", ns, name)?["status"] as JsonObject;
            return Task.FromResult(status is not null && condition(status));
        }, $"status of {ns}/{name}", timeout);
        return status!;
    }

    /// <summary>What <c>sluice validate</c> says about the same object saved as a file, in the status' words.</summary>
    private static List<string> ValidateMessages(JsonObject item)
    {
        var directory = Path.Combine(Path.GetTempPath(), "sluice-validate-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(directory);
        try
        {
            var file = Path.Combine(directory, "bad.yaml");
            File.WriteAllText(file, item.ToJsonString());
            using var output = new StringWriter();
            ValidateCommand.Run([file], output);
            var marker = $"VirtualService {item["metadata"]!["namespace"]}/{item["metadata"]!["name"]}: ";
            return output.ToString().Split('\n')
                .Where(line => line.Contains(marker, StringComparison.Ordinal))
                .Select(line =>
                {
                    var severity = line.Contains(": error: ", StringComparison.Ordinal) ? "error" : "warning";
                    return $"{severity}: {line[(line.IndexOf(marker, StringComparison.Ordinal) + marker.Length)..]}";
                })
                .ToList();
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }
}
