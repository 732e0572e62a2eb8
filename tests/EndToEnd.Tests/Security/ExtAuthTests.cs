using System.Net;
using System.Net.Http.Json;
using System.Text;
using Sluice.EndToEnd.Tests.Harness;

namespace Sluice.EndToEnd.Tests.Security;

/// <summary>
/// <c>AuthConfig</c> attached with <c>extauth.configRef</c>: API keys and basic auth from Secrets, Secret rotation by
/// rewriting the Secret file, and a missing reference rejecting only the resource that names it.
/// </summary>
public sealed class ExtAuthTests
{
    private const string AuthConfigs = """
        apiVersion: enterprise.gloo.solo.io/v1
        kind: AuthConfig
        metadata: {name: api-keys, namespace: default}
        spec:
          configs:
            - apiKeyAuth:
                headerName: x-api-key
                apiKeySecretRefs: [{name: partner-key}]
                headersFromMetadataEntry:
                  x-partner: {name: partner, required: true}
        ---
        apiVersion: gateway.sluice.dev/v1
        kind: AuthConfig
        metadata: {name: basic, namespace: default}
        spec:
          configs:
            - basicAuth:
                realm: ops
                apr:
                  users:
                    user: {salt: TYiryv0/, hashedPassword: 8BvzLUO9IfGPGGsPnAgSu1}
                userSecretRefs: [{name: ops-user}]
        """;

    private static string PartnerKey(string key) => $$"""
        apiVersion: v1
        kind: Secret
        metadata: {name: partner-key, namespace: default}
        type: extauth.solo.io/apikey
        stringData:
          api-key: {{key}}
          partner: acme
        """;

    private const string OpsUser = """
        apiVersion: v1
        kind: Secret
        metadata: {name: ops-user, namespace: default}
        type: kubernetes.io/basic-auth
        data:
          username: b3Bz
          password: b3BzLXBhc3N3b3Jk
        """;

    private const string VirtualService = """
        apiVersion: gateway.sluice.dev/v1
        kind: VirtualService
        metadata: {name: partners, namespace: default}
        spec:
          virtualHost:
            domains: ['*']
            options:
              extauth: {configRef: {name: api-keys}}
            routes:
              - matchers: [{prefix: /health}]
                options:
                  extauth: {disable: true}
                routeAction: {single: {upstream: {name: api}}}
              - matchers: [{prefix: /ops}]
                options:
                  extauth: {configRef: {name: basic, namespace: default}}
                routeAction: {single: {upstream: {name: api}}}
              - matchers: [{prefix: /}]
                routeAction: {single: {upstream: {name: api}}}
        """;

    private static async Task<HttpResponseMessage> SendAsync(HttpClient client, string path, params (string Name, string Value)[] headers)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        foreach (var (name, value) in headers)
        {
            request.Headers.TryAddWithoutValidation(name, value);
        }

        return await client.SendAsync(request);
    }

    private static string Basic(string credentials) => "Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes(credentials));

    [Fact]
    public async Task ApiKey_FromSecret_Rotates_WhenTheSecretFileIsRewritten()
    {
        await using var backend = await TestBackend.StartAsync("api");
        await using var gateway = await GatewayFixture.StartAsync(g =>
        {
            g.WriteFile("upstream.yaml", Yaml.Upstream("api", backend.Port));
            g.WriteFile("auth.yaml", AuthConfigs);
            g.WriteFile("secrets/partner.yaml", PartnerKey("key-one"));
            g.WriteFile("secrets/ops.yaml", OpsUser);
            g.WriteFile("vs.yaml", VirtualService);
        });
        using var client = gateway.CreateClient();

        using (var ok = await SendAsync(client, "/orders", ("x-api-key", "key-one"), ("x-partner", "spoofed")))
        {
            Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
            var echo = (await ok.Content.ReadFromJsonAsync<EchoResponse>(EchoResponse.JsonOptions))!;
            Assert.Equal("acme", echo.Headers["x-partner"]);
        }

        var before = backend.RequestCount;
        using (var wrong = await SendAsync(client, "/orders", ("x-api-key", "key-two")))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, wrong.StatusCode);
        }

        using (var missing = await SendAsync(client, "/orders"))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, missing.StatusCode);
        }

        Assert.Equal(before, backend.RequestCount);

        using (var health = await SendAsync(client, "/health"))
        {
            Assert.Equal(HttpStatusCode.OK, health.StatusCode);
        }

        await gateway.ApplyAsync(() => gateway.WriteFileByRename("secrets/partner.yaml", PartnerKey("key-two")));

        using (var old = await SendAsync(client, "/orders", ("x-api-key", "key-one")))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, old.StatusCode);
        }

        using (var rotated = await SendAsync(client, "/orders", ("x-api-key", "key-two")))
        {
            Assert.Equal(HttpStatusCode.OK, rotated.StatusCode);
        }
    }

    [Fact]
    public async Task BasicAuth_AprAndSecretUsers_RouteConfigReplacesTheVirtualHosts()
    {
        await using var backend = await TestBackend.StartAsync("api");
        await using var gateway = await GatewayFixture.StartAsync(g =>
        {
            g.WriteFile("upstream.yaml", Yaml.Upstream("api", backend.Port));
            g.WriteFile("auth.yaml", AuthConfigs);
            g.WriteFile("secrets/partner.yaml", PartnerKey("key-one"));
            g.WriteFile("secrets/ops.yaml", OpsUser);
            g.WriteFile("vs.yaml", VirtualService);
        });
        using var client = gateway.CreateClient();

        foreach (var (credentials, expected) in new[]
        {
            ("user:password", HttpStatusCode.OK),
            ("ops:ops-password", HttpStatusCode.OK),
            ("user:wrong", HttpStatusCode.Unauthorized),
            ("nobody:password", HttpStatusCode.Unauthorized),
        })
        {
            using var response = await SendAsync(client, "/ops/status", ("Authorization", Basic(credentials)));
            Assert.Equal(expected, response.StatusCode);
            if (expected == HttpStatusCode.Unauthorized)
            {
                Assert.Equal("Basic realm=\"ops\"", response.Headers.WwwAuthenticate.ToString());
            }
        }

        // The route's AuthConfig replaces the virtual host's: an API key alone does not open /ops.
        using var keyOnly = await SendAsync(client, "/ops/status", ("x-api-key", "key-one"));
        Assert.Equal(HttpStatusCode.Unauthorized, keyOnly.StatusCode);
    }

    [Fact]
    public async Task MissingAuthConfigOrSecret_RejectsOnlyTheReferrer_AndAdminNeverShowsKeyMaterial()
    {
        await using var backend = await TestBackend.StartAsync("api");
        await using var gateway = await GatewayFixture.StartAsync(g =>
        {
            g.WriteFile("upstream.yaml", Yaml.Upstream("api", backend.Port));
            g.WriteFile("auth.yaml", AuthConfigs + """

                ---
                apiVersion: gateway.sluice.dev/v1
                kind: AuthConfig
                metadata: {name: orphan, namespace: default}
                spec:
                  configs:
                    - apiKeyAuth: {apiKeySecretRefs: [{name: no-such-secret}]}
                """);
            g.WriteFile("secrets/partner.yaml", PartnerKey("key-one"));
            g.WriteFile("secrets/ops.yaml", OpsUser);
            g.WriteFile("vs.yaml", VirtualService);
            g.WriteFile("broken.yaml", """
                apiVersion: gateway.sluice.dev/v1
                kind: VirtualService
                metadata: {name: broken, namespace: default}
                spec:
                  virtualHost:
                    domains: [broken.example.com]
                    options:
                      extauth: {configRef: {name: does-not-exist}}
                    routes:
                      - routeAction: {single: {upstream: {name: api}}}
                """);
        });
        using var client = gateway.CreateClient();

        var broken = await gateway.GetStatusAsync("VirtualService", "broken");
        Assert.Equal("Rejected", broken.GetProperty("status").GetString());
        var reason = broken.GetProperty("reasons")[0];
        Assert.Equal("virtualHost.options.extauth.configRef", reason.GetProperty("field").GetString());
        Assert.Contains("AuthConfig default/does-not-exist does not exist", reason.GetProperty("message").GetString(), StringComparison.Ordinal);

        var orphan = await gateway.GetStatusAsync("AuthConfig", "orphan");
        Assert.Equal("Rejected", orphan.GetProperty("status").GetString());
        Assert.Contains("Secret default/no-such-secret does not exist", orphan.GetProperty("reasons")[0].GetProperty("message").GetString(), StringComparison.Ordinal);

        // The rest keeps serving: the broken virtual service's domain gets nothing, the good one works.
        using (var good = await SendAsync(client, "/orders", ("x-api-key", "key-one")))
        {
            Assert.Equal(HttpStatusCode.OK, good.StatusCode);
        }

        using var admin = gateway.CreateAdminClient();
        foreach (var path in new[] { "/admin/config" })
        {
            using var response = await admin.GetAsync(path);
            var text = await response.Content.ReadAsStringAsync();
            Assert.DoesNotContain("key-one", text, StringComparison.Ordinal);
            Assert.DoesNotContain("8BvzLUO9IfGPGGsPnAgSu1", text, StringComparison.Ordinal);
            Assert.DoesNotContain("b3BzLXBhc3N3b3Jk", text, StringComparison.Ordinal);
        }

        Assert.DoesNotContain(gateway.Log.Lines, line => line.Contains("key-one", StringComparison.Ordinal) || line.Contains("8BvzLUO9", StringComparison.Ordinal));
    }
}
