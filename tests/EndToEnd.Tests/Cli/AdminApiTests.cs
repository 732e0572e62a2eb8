using System.Net;
using System.Net.NetworkInformation;
using System.Net.Sockets;
using System.Text.Json;
using Sluice.EndToEnd.Tests.Harness;

namespace Sluice.EndToEnd.Tests.Cli;

/// <summary>
/// The admin API of <c>sluice run</c>: liveness, readiness, the live configuration with every resource's status and
/// reasons, and the reload history. It listens only where it is told (loopback by default) and shows no key material.
/// </summary>
public sealed class AdminApiTests
{
    [Fact]
    public async Task Healthz_AndReadyz_Answer200OnceStarted()
    {
        await using var gateway = await GatewayFixture.StartAsync();
        using var admin = gateway.CreateAdminClient();

        using var health = await admin.GetAsync("/healthz");
        Assert.Equal(HttpStatusCode.OK, health.StatusCode);
        Assert.Equal("ok", (await health.Content.ReadAsStringAsync()).Trim());

        using var ready = await admin.GetAsync("/readyz");
        Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
        Assert.Equal("ready", (await ready.Content.ReadAsStringAsync()).Trim());
    }

    [Fact]
    public async Task AdminConfig_ShowsVersionListenersResourcesWithReasons_AndReloads()
    {
        await using var a = await TestBackend.StartAsync("a");
        await using var gateway = await GatewayFixture.StartAsync(g =>
        {
            g.WriteFile("upstreams.yaml", Yaml.Upstream("a", a.Port));
            g.WriteFile("good.yaml", Yaml.VirtualService("good", Yaml.PrefixRoute("/good", "a"), "good.test"));
            g.WriteFile("bad.yaml", Yaml.VirtualService("bad", Yaml.PrefixRoute("/bad", "missing"), "bad.test"));
        });

        using (var config = await gateway.GetAdminConfigAsync())
        {
            var root = config.RootElement;
            Assert.Equal(1, root.GetProperty("version").GetInt64());
            Assert.True(root.GetProperty("createdAt").TryGetDateTimeOffset(out _));

            var listeners = root.GetProperty("listeners").EnumerateArray().ToList();
            var http = Assert.Single(listeners, l => l.GetProperty("port").GetInt32() == gateway.HttpPort);
            Assert.Equal("127.0.0.1", http.GetProperty("bindAddress").GetString());
            Assert.False(http.GetProperty("ssl").GetBoolean());
            Assert.True(http.GetProperty("bound").GetBoolean());
            var host = Assert.Single(http.GetProperty("virtualHosts").EnumerateArray());
            var route = Assert.Single(host.GetProperty("routes").EnumerateArray());
            Assert.Contains("/good", route.GetProperty("match").GetString(), StringComparison.Ordinal);
            Assert.Contains(listeners, l => l.GetProperty("port").GetInt32() == gateway.HttpsPort && l.GetProperty("ssl").GetBoolean());

            var resources = root.GetProperty("resources").EnumerateArray().ToList();
            Assert.Equal(5, resources.Count);
            foreach (var resource in resources)
            {
                foreach (var field in new[] { "kind", "namespace", "name", "status", "file" })
                {
                    Assert.Equal(JsonValueKind.String, resource.GetProperty(field).ValueKind);
                }

                Assert.Contains(resource.GetProperty("status").GetString(), new[] { "Accepted", "Warning", "Rejected" });
                Assert.Equal(JsonValueKind.Array, resource.GetProperty("reasons").ValueKind);
            }

            var bad = Assert.Single(resources, r => r.GetProperty("name").GetString() == "bad");
            Assert.Equal("Rejected", bad.GetProperty("status").GetString());
            var reason = Assert.Single(bad.GetProperty("reasons").EnumerateArray());
            Assert.Equal("error", reason.GetProperty("severity").GetString());
            Assert.Equal(Path.Combine(gateway.ConfigDirectory, "bad.yaml"), reason.GetProperty("file").GetString());
            Assert.Equal(15, reason.GetProperty("line").GetInt32());
            Assert.Equal(15, reason.GetProperty("column").GetInt32());
            Assert.Equal("virtualHost.routes[0].routeAction.single.upstream", reason.GetProperty("field").GetString());
            Assert.Equal("Upstream default/missing does not exist", reason.GetProperty("message").GetString());

            var reload = Assert.Single(root.GetProperty("reloads").EnumerateArray());
            Assert.Equal(1, reload.GetProperty("version").GetInt64());
            Assert.Equal("startup", reload.GetProperty("reason").GetString());
            Assert.Equal(1, reload.GetProperty("rejected").GetInt32());
            Assert.True(reload.GetProperty("durationMs").GetDouble() >= 0);
        }

        var version = await gateway.ApplyAsync(() => gateway.DeleteFile("bad.yaml"));

        using (var config = await gateway.GetAdminConfigAsync())
        {
            var root = config.RootElement;
            Assert.Equal(version, root.GetProperty("version").GetInt64());
            var reloads = root.GetProperty("reloads").EnumerateArray().ToList();
            Assert.Equal(2, reloads.Count);
            Assert.Equal(version, reloads[1].GetProperty("version").GetInt64());
            Assert.Equal("files changed", reloads[1].GetProperty("reason").GetString());
            Assert.Equal(0, reloads[1].GetProperty("rejected").GetInt32());
            Assert.DoesNotContain(root.GetProperty("resources").EnumerateArray(), r => r.GetProperty("name").GetString() == "bad");
        }
    }

    [Fact]
    public async Task AdminListener_BindsOnlyTheAddressItIsGiven()
    {
        await using var gateway = await GatewayFixture.StartAsync();
        Assert.True(await CanConnectAsync(IPAddress.Loopback, gateway.AdminPort));

        // 127.0.0.2 is loopback too, but not the address the admin listener was given.
        var elsewhere = new List<IPAddress> { IPAddress.Parse("127.0.0.2"), IPAddress.IPv6Loopback };
        elsewhere.AddRange(NetworkInterface.GetAllNetworkInterfaces()
            .Where(n => n.OperationalStatus == OperationalStatus.Up)
            .SelectMany(n => n.GetIPProperties().UnicastAddresses)
            .Select(u => u.Address)
            .Where(address => !IPAddress.IsLoopback(address) && !address.IsIPv6LinkLocal));

        foreach (var address in elsewhere)
        {
            Assert.False(await CanConnectAsync(address, gateway.AdminPort), $"the admin API answers on {address}");
        }
    }

    [Fact]
    public async Task AdminConfig_NeverShowsKeyMaterial()
    {
        var certificates = TestCertificates.CreateAuthority();
        await using var a = await TestBackend.StartAsync("a");
        await using var gateway = await GatewayFixture.StartAsync(g =>
        {
            var (certPath, keyPath, _) = certificates.IssueServer(Path.Combine(g.ConfigDirectory, "..", "tls"), "secure.test");
            g.WriteFile("upstreams.yaml", Yaml.Upstream("a", a.Port));
            g.WriteFile("secure.yaml", Yaml.VirtualService("secure", Yaml.PrefixRoute("/", "a"), "secure.test") + $"""
                  sslConfig:
                    sslFiles:
                      tlsCert: {certPath}
                      tlsKey: {keyPath}

                """);
        });

        Assert.Equal("Accepted", (await gateway.GetStatusAsync("VirtualService", "secure")).GetProperty("status").GetString());
        var key = File.ReadAllText(Path.Combine(gateway.ConfigDirectory, "..", "tls", "key.pem"));
        var certificate = File.ReadAllText(Path.Combine(gateway.ConfigDirectory, "..", "tls", "cert.pem"));
        using var admin = gateway.CreateAdminClient();
        var json = await admin.GetStringAsync("/admin/config");
        Assert.DoesNotContain("PRIVATE KEY", json, StringComparison.Ordinal);
        Assert.DoesNotContain(KeyBody(key), json, StringComparison.Ordinal);
        Assert.DoesNotContain(KeyBody(certificate), json, StringComparison.Ordinal);
    }

    private static string KeyBody(string pem) => pem.Split('\n')[1].Trim();

    private static async Task<bool> CanConnectAsync(IPAddress address, int port)
    {
        using var socket = new Socket(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(2));
        try
        {
            await socket.ConnectAsync(address, port, timeout.Token);
            return true;
        }
        catch (Exception ex) when (ex is SocketException or OperationCanceledException)
        {
            return false;
        }
    }
}
