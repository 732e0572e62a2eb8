using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Sluice.EndToEnd.Tests.Harness;
using Sluice.Gateway.Admission;

namespace Sluice.EndToEnd.Tests.Admission;

/// <summary>
/// The real gateway with its admission webhook on a loopback HTTPS port, using a certificate made for the test, and a
/// client that trusts only that certificate's authority (as the API server trusts the webhook's caBundle).
/// </summary>
public sealed class WebhookGateway : IAsyncLifetime
{
    private readonly string _certificates = Path.Combine(Path.GetTempPath(), "sluice-webhook-" + Guid.NewGuid().ToString("N")[..12]);

    public GatewayFixture Gateway { get; private set; } = null!;

    public int WebhookPort { get; } = FreePort.Next();

    public TestCertificates Authority { get; private set; } = TestCertificates.CreateAuthority("Webhook Test CA");

    public string CertificatePath { get; private set; } = string.Empty;

    public string KeyPath { get; private set; } = string.Empty;

    /// <summary>False to start before the certificate exists, as a Pod whose Secret cert-manager has not filled yet.</summary>
    public bool IssueBeforeStart { get; init; } = true;

    public async Task InitializeAsync()
    {
        if (IssueBeforeStart)
        {
            (CertificatePath, KeyPath, _) = Authority.IssueServer(_certificates, "sluice-webhook.sluice-system.svc", "localhost");
        }
        else
        {
            CertificatePath = Path.Combine(_certificates, "cert.pem");
            KeyPath = Path.Combine(_certificates, "key.pem");
        }

        Gateway = await GatewayFixture.StartAsync(
            fixture =>
            {
                fixture.WriteFile("upstream.yaml", Yaml.Upstream("backend", 9));
                fixture.WriteFile("incumbent.yaml", Yaml.VirtualService("incumbent", Yaml.PrefixRoute("/", "backend"), "taken.example.com"));
            },
            runOptions: options => options with { Webhook = new WebhookOptions(new IPEndPoint(IPAddress.Loopback, WebhookPort), CertificatePath, KeyPath) });
    }

    public async Task DisposeAsync()
    {
        await Gateway.DisposeAsync();
        if (Directory.Exists(_certificates))
        {
            Directory.Delete(_certificates, recursive: true);
        }
    }

    /// <summary>Issues the first certificate into the configured paths (the Secret volume being filled).</summary>
    public void IssueNow() => Authority.IssueServer(_certificates, "sluice-webhook.sluice-system.svc", "localhost");

    /// <summary>Issues a certificate from a new authority over the served files, as cert-manager's rotation does.</summary>
    public TestCertificates Rotate()
    {
        var authority = TestCertificates.CreateAuthority("Rotated Webhook CA");
        var staging = Path.Combine(_certificates, "next");
        var (cert, key, _) = authority.IssueServer(staging, "sluice-webhook.sluice-system.svc", "localhost");
        File.Copy(key, KeyPath, overwrite: true);
        File.Copy(cert, CertificatePath, overwrite: true);
        Authority = authority;
        return authority;
    }

    public HttpClient CreateClient(TestCertificates? trusting = null) => new(trusting?.CreateTrustingHandler() ?? Authority.CreateTrustingHandler())
    {
        BaseAddress = new Uri($"https://localhost:{WebhookPort}"),
        Timeout = TimeSpan.FromSeconds(30),
    };

    /// <summary>POSTs an AdmissionReview for the object, as the API server does, and returns the review's response.</summary>
    public async Task<JsonObject> ReviewAsync(JsonObject? submitted, string operation = "CREATE", bool dryRun = false, string? group = null, string? version = null, string? kind = null)
    {
        var apiVersion = (string?)submitted?["apiVersion"] ?? "gateway.sluice.dev/v1";
        var slash = apiVersion.LastIndexOf('/');
        var uid = Guid.NewGuid().ToString();
        var review = new JsonObject
        {
            ["apiVersion"] = "admission.k8s.io/v1",
            ["kind"] = "AdmissionReview",
            ["request"] = new JsonObject
            {
                ["uid"] = uid,
                ["kind"] = new JsonObject
                {
                    ["group"] = group ?? (slash < 0 ? string.Empty : apiVersion[..slash]),
                    ["version"] = version ?? apiVersion[(slash + 1)..],
                    ["kind"] = kind ?? (string?)submitted?["kind"],
                },
                ["operation"] = operation,
                ["namespace"] = (string?)submitted?["metadata"]?["namespace"] ?? "default",
                ["name"] = (string?)submitted?["metadata"]?["name"],
                ["dryRun"] = dryRun,
                ["object"] = operation == "DELETE" ? null : submitted?.DeepClone(),
                ["oldObject"] = operation == "CREATE" ? null : submitted?.DeepClone(),
            },
        };

        using var client = CreateClient();
        using var response = await client.PostAsync(WebhookOptions.ValidatePath, new StringContent(review.ToJsonString(), Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var answer = JsonNode.Parse(await response.Content.ReadAsStringAsync())!.AsObject();
        Assert.Equal("admission.k8s.io/v1", (string?)answer["apiVersion"]);
        Assert.Equal("AdmissionReview", (string?)answer["kind"]);
        var result = answer["response"]!.AsObject();
        Assert.Equal(uid, (string?)result["uid"]);
        return result;
    }

    public static string[] Warnings(JsonObject response) =>
        response["warnings"] is JsonArray warnings ? [.. warnings.Select(w => (string)w!)] : [];

    public static string Message(JsonObject response) => (string?)response["status"]?["message"] ?? string.Empty;
}
