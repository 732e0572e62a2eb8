using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using Sluice.EndToEnd.Tests.Harness;

namespace Sluice.EndToEnd.Tests.Ingress;

/// <summary>Ingresses beside VirtualServices, their status in the admin API, live updates and Secret rotation.</summary>
public sealed class IngressServingTests
{
    private const string Class = """
        apiVersion: networking.k8s.io/v1
        kind: IngressClass
        metadata: { name: sluice }
        spec: { controller: gateway.sluice.dev/ingress-controller }
        ---

        """;

    private static string Ingress(string name, string host, string path, string upstreamService, string extra = "") => $"""
        apiVersion: networking.k8s.io/v1
        kind: Ingress
        metadata: {"{"} name: {name} {"}"}
        spec:
          ingressClassName: sluice
        {extra}  rules:
            - host: {host}
              http:
                paths:
                  - {"{"} path: {path}, pathType: Prefix, backend: {"{"} service: {"{"} name: {upstreamService}, port: {"{"} number: 80 {"}"} {"}"} {"}"} {"}"}
        ---

        """;

    /// <summary>A static Upstream named as discovery names Service <paramref name="service"/> port 80 in default.</summary>
    private static string ServiceUpstream(string service, TestBackend backend) =>
        Yaml.Upstream($"default-{service}-80", backend.Port) + "---\n";

    private static async Task<string> WhoAnswersAsync(GatewayFixture gateway, string host, string path)
    {
        using var client = gateway.CreateClient();
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Host = host;
        using var response = await client.SendAsync(request);
        if (response.StatusCode != HttpStatusCode.OK)
        {
            return ((int)response.StatusCode).ToString(System.Globalization.CultureInfo.InvariantCulture);
        }

        return JsonSerializer.Deserialize<EchoResponse>(await response.Content.ReadAsStringAsync(), EchoResponse.JsonOptions)!.Backend;
    }

    [Fact]
    public async Task VirtualServiceAndIngress_ShareTheListener_TheVirtualServiceKeepsItsDomain()
    {
        await using var vsBackend = await TestBackend.StartAsync("vs");
        await using var ingressBackend = await TestBackend.StartAsync("ingress");
        await using var gateway = await GatewayFixture.StartAsync(g => g.WriteFile("all.yaml",
            Class
            + Yaml.Upstream("vs-upstream", vsBackend.Port) + "---\n"
            + Yaml.VirtualService("shop", Yaml.PrefixRoute("/", "vs-upstream"), "shop.example.com") + "---\n"
            + ServiceUpstream("web", ingressBackend)
            + Ingress("shop", "shop.example.com", "/", "web")
            + Ingress("other", "other.example.com", "/", "web")));

        Assert.Equal("vs", await WhoAnswersAsync(gateway, "shop.example.com", "/"));
        Assert.Equal("ingress", await WhoAnswersAsync(gateway, "other.example.com", "/"));
        Assert.Equal("404", await WhoAnswersAsync(gateway, "third.example.com", "/"));
    }

    [Fact]
    public async Task AdminStatus_ShowsOurIngressProblems_AndNothingForAForeignIngress()
    {
        await using var backend = await TestBackend.StartAsync("web");
        await using var gateway = await GatewayFixture.StartAsync(g => g.WriteFile("all.yaml",
            Class
            + ServiceUpstream("web", backend)
            + Ingress("ours", "shop.example.com", "/", "web", extra: "  tls: [{ hosts: [shop.example.com], secretName: absent }]\n")
            + Ingress("theirs", "shop.example.com", "/(.*)", "web").Replace("ingressClassName: sluice", "ingressClassName: nginx", StringComparison.Ordinal)));

        var ours = await gateway.GetStatusAsync("Ingress", "ours");
        Assert.Equal("Warning", ours.GetProperty("status").GetString());
        var reason = Assert.Single(ours.GetProperty("reasons").EnumerateArray());
        Assert.Equal("tls[0].secretName", reason.GetProperty("field").GetString());
        Assert.Contains("Secret default/absent does not exist", reason.GetProperty("message").GetString(), StringComparison.Ordinal);

        var theirs = await gateway.GetStatusAsync("Ingress", "theirs");
        Assert.Equal("Accepted", theirs.GetProperty("status").GetString());
        Assert.Empty(theirs.GetProperty("reasons").EnumerateArray());
        Assert.Equal("web", await WhoAnswersAsync(gateway, "shop.example.com", "/x"));
    }

    [Fact]
    public async Task IngressChanges_ApplyLive_AndAnInvalidChangeKeepsTheLastGoodServing()
    {
        await using var one = await TestBackend.StartAsync("one");
        await using var two = await TestBackend.StartAsync("two");
        var upstreams = ServiceUpstream("one", one) + ServiceUpstream("two", two);
        await using var gateway = await GatewayFixture.StartAsync(g =>
        {
            g.WriteFile("upstreams.yaml", Class + upstreams);
            g.WriteFile("ingress.yaml", Ingress("shop", "shop.example.com", "/api", "one"));
        });
        Assert.Equal("one", await WhoAnswersAsync(gateway, "shop.example.com", "/api/v1"));
        Assert.Equal("404", await WhoAnswersAsync(gateway, "shop.example.com", "/apix"));

        await gateway.ApplyAsync(() => gateway.WriteFile("ingress.yaml", Ingress("shop", "shop.example.com", "/api", "two")));
        Assert.Equal("two", await WhoAnswersAsync(gateway, "shop.example.com", "/api/v1"));

        await gateway.ApplyAsync(() => gateway.WriteFile("ingress.yaml", Ingress("shop", "shop.example.com", "api-without-slash", "one")));
        Assert.Equal("two", await WhoAnswersAsync(gateway, "shop.example.com", "/api/v1"));
        var status = await gateway.GetStatusAsync("Ingress", "shop");
        Assert.Equal("Rejected", status.GetProperty("status").GetString());
        Assert.True(status.GetProperty("servingLastGood").GetBoolean());
    }

    [Fact]
    public async Task RestartWithABrokenIngress_ServesItsLastAcceptedVersion()
    {
        await using var backend = await TestBackend.StartAsync("web");
        await using var gateway = await GatewayFixture.StartAsync(g =>
        {
            g.WriteFile("upstreams.yaml", Class + ServiceUpstream("web", backend));
            g.WriteFile("ingress.yaml", Ingress("shop", "shop.example.com", "/api", "web"));
        });
        Assert.Equal("web", await WhoAnswersAsync(gateway, "shop.example.com", "/api/x"));

        await gateway.ApplyAsync(() => gateway.WriteFile("ingress.yaml", Ingress("shop", "shop.example.com", "/api/(.*)", "web")));
        await gateway.RestartAsync();

        Assert.Equal("web", await WhoAnswersAsync(gateway, "shop.example.com", "/api/x"));
        var status = await gateway.GetStatusAsync("Ingress", "shop");
        Assert.Equal("Rejected", status.GetProperty("status").GetString());
        Assert.True(status.GetProperty("servingLastGood").GetBoolean());
    }

    [Fact]
    public async Task RotatedSecret_IsServedToNewConnections()
    {
        await using var backend = await TestBackend.StartAsync("web");
        var authority = TestCertificates.CreateAuthority();
        var folder = Path.Combine(Path.GetTempPath(), "sluice-ingress-rotation-" + Guid.NewGuid().ToString("N")[..8]);
        var first = authority.IssueServer(Path.Combine(folder, "1"), "shop.example.com");
        var second = authority.IssueServer(Path.Combine(folder, "2"), "shop.example.com");
        await using var gateway = await GatewayFixture.StartAsync(g =>
        {
            g.WriteFile("all.yaml", Class + ServiceUpstream("web", backend)
                + Ingress("shop", "shop.example.com", "/", "web", extra: "  tls: [{ hosts: [shop.example.com], secretName: shop-tls }]\n"));
            g.WriteFile("secret.yaml", Secret(first.CertPath, first.KeyPath));
        });

        Assert.Equal(first.Certificate.Thumbprint, await PresentedThumbprintAsync(gateway.HttpsPort, "shop.example.com"));

        await gateway.ApplyAsync(() => gateway.WriteFile("secret.yaml", Secret(second.CertPath, second.KeyPath)));
        Assert.Equal(second.Certificate.Thumbprint, await PresentedThumbprintAsync(gateway.HttpsPort, "shop.example.com"));
        Directory.Delete(folder, recursive: true);
    }

    private static string Secret(string certPath, string keyPath) => $"""
        apiVersion: v1
        kind: Secret
        metadata: {"{ name: shop-tls }"}
        type: kubernetes.io/tls
        data:
          tls.crt: {Convert.ToBase64String(File.ReadAllBytes(certPath))}
          tls.key: {Convert.ToBase64String(File.ReadAllBytes(keyPath))}
        """;

    private static async Task<string> PresentedThumbprintAsync(int port, string serverName)
    {
        using var tcp = new TcpClient();
        await tcp.ConnectAsync(IPAddress.Loopback, port);
        await using var tls = new SslStream(tcp.GetStream(), leaveInnerStreamOpen: false, (_, _, _, _) => true);
        await tls.AuthenticateAsClientAsync(new SslClientAuthenticationOptions { TargetHost = serverName });
        using var presented = new X509Certificate2(tls.RemoteCertificate!);
        return presented.Thumbprint;
    }
}
