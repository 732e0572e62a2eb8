using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using Sluice.EndToEnd.Tests.Harness;
using Sluice.Gateway.Admission;
using Sluice.Gateway.Cli;

namespace Sluice.EndToEnd.Tests.Admission;

/// <summary>
/// The validating admission webhook over real HTTPS, as the API server calls it: AdmissionReview in, AdmissionReview
/// out, with the verdict and messages of <c>sluice validate</c>. The gateway serves an Upstream <c>backend</c> and a
/// VirtualService that owns <c>taken.example.com</c>.
/// </summary>
public sealed class AdmissionWebhookTests(WebhookGateway webhook) : IClassFixture<WebhookGateway>
{
    private const string BadVirtualService = """
        apiVersion: gateway.sluice.dev/v1
        kind: VirtualService
        metadata:
          name: bad
          namespace: default
        spec:
          virtualHost:
            domains: ['shop.example.com', 'shop.example.com']
            routes:
              - matchers:
                  - regex: '/users/(['
                routeAction:
                  single:
                    upstream: {name: backend}
        """;

    private const string GoodVirtualService = """
        apiVersion: gateway.sluice.dev/v1
        kind: VirtualService
        metadata:
          name: good
          namespace: default
        spec:
          virtualHost:
            domains: ['good.example.com']
            routes:
              - matchers:
                  - prefix: /api/
                routeAction:
                  single:
                    upstream: {name: backend}
                options:
                  prefixRewrite: /
                  timeout: 15s
        """;

    [Fact]
    public async Task ABadVirtualService_IsRefused_WithExactlyTheMessagesOfSluiceValidate()
    {
        var response = await webhook.ReviewAsync(KubectlJson.FromYaml(BadVirtualService));

        Assert.False((bool)response["allowed"]!);
        Assert.Equal(AdmissionResponse.RefusedCode, (int)response["status"]!["code"]!);
        Assert.Equal("Invalid", (string?)response["status"]!["reason"]);
        var expected = ValidateErrors(BadVirtualService);
        Assert.Equal(2, expected.Length);
        Assert.Equal(expected, WebhookGateway.Message(response).Split('\n').Order(StringComparer.Ordinal));
        Assert.Contains("VirtualService default/bad: virtualHost.routes[0].matchers[0].regex: ", WebhookGateway.Message(response));
        Assert.Contains("VirtualService default/bad: virtualHost.domains[1]: ", WebhookGateway.Message(response));
    }

    [Fact]
    public async Task AGoodVirtualService_IsAllowed_WithoutWarnings()
    {
        var response = await webhook.ReviewAsync(KubectlJson.FromYaml(GoodVirtualService));

        Assert.True((bool)response["allowed"]!, WebhookGateway.Message(response));
        Assert.Null(response["status"]);
        Assert.Empty(WebhookGateway.Warnings(response));
    }

    [Fact]
    public async Task AnUnknownField_IsRefusedByName_AsTheLoaderReportsIt()
    {
        var response = await webhook.ReviewAsync(KubectlJson.FromYaml(GoodVirtualService.Replace("- prefix: /api/", "- prefx: /api/", StringComparison.Ordinal)));

        Assert.False((bool)response["allowed"]!);
        Assert.StartsWith("VirtualService default/good: virtualHost.routes[0].matchers[0].prefx: unknown field 'prefx' (did you mean 'prefix'?)", WebhookGateway.Message(response), StringComparison.Ordinal);
    }

    [Fact]
    public async Task ServerPopulatedMetadata_IsIgnored_AndTheNamespaceComesFromTheRequest()
    {
        var submitted = KubectlJson.FromYaml(GoodVirtualService);
        var metadata = submitted["metadata"]!.AsObject();
        metadata.Remove("namespace");
        metadata["uid"] = Guid.NewGuid().ToString();
        metadata["resourceVersion"] = "4711";
        metadata["generation"] = 3;
        metadata["creationTimestamp"] = "2026-11-23T10:00:00Z";
        metadata["managedFields"] = new JsonArray(new JsonObject { ["manager"] = "kubectl", ["operation"] = "Apply" });
        metadata["annotations"] = new JsonObject { ["kubectl.kubernetes.io/last-applied-configuration"] = "{}" };

        var response = await webhook.ReviewAsync(submitted, operation: "UPDATE");

        Assert.True((bool)response["allowed"]!, WebhookGateway.Message(response));
    }

    [Fact]
    public async Task AGlooApiVersion_IsValidatedTheSameWay()
    {
        var gloo = BadVirtualService.Replace("gateway.sluice.dev/v1", "gateway.solo.io/v1", StringComparison.Ordinal);
        var refused = await webhook.ReviewAsync(KubectlJson.FromYaml(gloo));
        Assert.False((bool)refused["allowed"]!);
        Assert.Equal(ValidateErrors(gloo), WebhookGateway.Message(refused).Split('\n').Order(StringComparer.Ordinal));

        var allowed = await webhook.ReviewAsync(KubectlJson.FromYaml(GoodVirtualService.Replace("gateway.sluice.dev/v1", "gateway.solo.io/v1", StringComparison.Ordinal)));
        Assert.True((bool)allowed["allowed"]!, WebhookGateway.Message(allowed));
    }

    [Fact]
    public async Task AGlooFieldSluiceIgnores_IsAllowed_WithItsWarning()
    {
        var withDisplayName = GoodVirtualService.Replace("  virtualHost:", "  displayName: Good\n  virtualHost:", StringComparison.Ordinal);

        var response = await webhook.ReviewAsync(KubectlJson.FromYaml(withDisplayName));

        Assert.True((bool)response["allowed"]!, WebhookGateway.Message(response));
        Assert.Equal(["VirtualService default/good: displayName: Gloo field 'displayName' is not supported by Sluice yet and is ignored"], WebhookGateway.Warnings(response));
    }

    [Fact]
    public async Task ADomainAnotherVirtualServiceServes_IsRefused()
    {
        var response = await webhook.ReviewAsync(KubectlJson.FromYaml(GoodVirtualService.Replace("good.example.com", "taken.example.com", StringComparison.Ordinal)));

        Assert.False((bool)response["allowed"]!);
        Assert.StartsWith("VirtualService default/good: virtualHost.domains[0]: ", WebhookGateway.Message(response), StringComparison.Ordinal);
        Assert.Contains("incumbent", WebhookGateway.Message(response), StringComparison.Ordinal);
    }

    [Fact]
    public async Task UpdatingTheIncumbentItself_IsAllowed()
    {
        var incumbent = KubectlJson.FromYaml(Yaml.VirtualService("incumbent", Yaml.PrefixRoute("/v2", "backend"), "taken.example.com"));

        var response = await webhook.ReviewAsync(incumbent, operation: "UPDATE");

        Assert.True((bool)response["allowed"]!, WebhookGateway.Message(response));
    }

    /// <summary><c>kubectl apply -f dir/</c> creates objects in file order, so a missing target warns instead of refusing.</summary>
    [Fact]
    public async Task AReferenceToAnUpstreamNotCreatedYet_IsAllowed_WithAWarning()
    {
        var response = await webhook.ReviewAsync(KubectlJson.FromYaml(GoodVirtualService.Replace("{name: backend}", "{name: later}", StringComparison.Ordinal)));

        Assert.True((bool)response["allowed"]!, WebhookGateway.Message(response));
        Assert.Equal(["VirtualService default/good: virtualHost.routes[0].routeAction.single.upstream: Upstream default/later does not exist"], WebhookGateway.Warnings(response));
    }

    [Fact]
    public async Task DryRun_GetsTheSameVerdict()
    {
        var response = await webhook.ReviewAsync(KubectlJson.FromYaml(BadVirtualService), dryRun: true);

        Assert.False((bool)response["allowed"]!);
        Assert.Equal(ValidateErrors(BadVirtualService), WebhookGateway.Message(response).Split('\n').Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task Delete_IsAlwaysAllowed()
    {
        var response = await webhook.ReviewAsync(KubectlJson.FromYaml(BadVirtualService), operation: "DELETE");

        Assert.True((bool)response["allowed"]!);
    }

    [Fact]
    public async Task KindsSluiceDoesNotValidate_AreAllowed()
    {
        var configMap = new JsonObject { ["apiVersion"] = "v1", ["kind"] = "ConfigMap", ["metadata"] = new JsonObject { ["name"] = "x" }, ["data"] = new JsonObject { ["nonsense"] = "[" } };
        Assert.True((bool)(await webhook.ReviewAsync(configMap))["allowed"]!);

        var secret = new JsonObject { ["apiVersion"] = "v1", ["kind"] = "Secret", ["metadata"] = new JsonObject { ["name"] = "x" }, ["bogus"] = 1 };
        Assert.True((bool)(await webhook.ReviewAsync(secret))["allowed"]!);

        var otherGroup = KubectlJson.FromYaml(BadVirtualService.Replace("gateway.sluice.dev/v1", "networking.istio.io/v1", StringComparison.Ordinal));
        Assert.True((bool)(await webhook.ReviewAsync(otherGroup))["allowed"]!);
    }

    [Fact]
    public async Task ABodyThatIsNotAnAdmissionReview_Gets400()
    {
        using var client = webhook.CreateClient();
        using var notJson = await client.PostAsync(WebhookOptions.ValidatePath, new StringContent("{nope", Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.BadRequest, notJson.StatusCode);

        using var v1beta1 = await client.PostAsync(WebhookOptions.ValidatePath, new StringContent("""{"apiVersion":"admission.k8s.io/v1beta1","kind":"AdmissionReview","request":{"uid":"1"}}""", Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.BadRequest, v1beta1.StatusCode);
        Assert.Contains("admissionReviewVersions: [v1]", await v1beta1.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        using var get = await client.GetAsync(WebhookOptions.ValidatePath);
        Assert.Equal(HttpStatusCode.MethodNotAllowed, get.StatusCode);
    }

    [Fact]
    public async Task TheWebhookServesOnlyHttps()
    {
        using var plain = new HttpClient(new SocketsHttpHandler { UseProxy = false }) { BaseAddress = new Uri($"http://127.0.0.1:{webhook.WebhookPort}") };
        using var body = new StringContent("{}", Encoding.UTF8, MediaTypeHeaderValue.Parse("application/json"));
        await Assert.ThrowsAnyAsync<HttpRequestException>(() => plain.PostAsync(WebhookOptions.ValidatePath, body));
    }

    /// <summary>The lines <c>sluice validate</c> prints for the YAML, without their <c>FILE:LINE:COL: error: </c> prefix.</summary>
    private static string[] ValidateErrors(string yaml)
    {
        var directory = Path.Combine(Path.GetTempPath(), "sluice-admission-" + Guid.NewGuid().ToString("N")[..12]);
        Directory.CreateDirectory(directory);
        try
        {
            File.WriteAllText(Path.Combine(directory, "upstream.yaml"), Yaml.Upstream("backend", 9));
            File.WriteAllText(Path.Combine(directory, "object.yaml"), yaml);
            using var output = new StringWriter();
            ValidateCommand.Run([directory], output);
            const string marker = ": error: ";
            return [.. output.ToString().Split('\n')
                .Where(line => line.Contains(marker, StringComparison.Ordinal))
                .Select(line => line[(line.IndexOf(marker, StringComparison.Ordinal) + marker.Length)..].TrimEnd('\r'))
                .Order(StringComparer.Ordinal)];
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }
}
