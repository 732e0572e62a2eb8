using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Sluice.Discovery.Kubernetes;
using Sluice.Discovery.Kubernetes.Informers;
using Sluice.EndToEnd.Tests.Harness;
using Sluice.Gateway;
using Sluice.Gateway.Configuration;
using Sluice.Kubernetes.Fixture;

namespace Sluice.EndToEnd.Tests.Kubernetes;

/// <summary>
/// The real gateway, as <c>sluice run --kubernetes</c> builds it, against an in-process API server that serves
/// Sluice's CRDs. The cluster starts with one Gateway CRD listening on <see cref="HttpPort"/>.
/// </summary>
public sealed class KubernetesGateway : IAsyncDisposable
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), "sluice-k8s-" + Guid.NewGuid().ToString("N")[..12]);
    private WebApplication? _app;
    private int _writesWhenStopped;

    private KubernetesGateway(KubernetesApiFixture api)
    {
        Api = api;
        HttpPort = FreePort.Next();
        AdminPort = FreePort.Next();
        IngressPort = FreePort.Next();
        IngressHttpsPort = FreePort.Next();
    }

    /// <summary>The TLS listener that serves Ingress rules with a <c>tls</c> section.</summary>
    public int IngressHttpsPort { get; }

    /// <summary>The listener that serves Ingress rules.</summary>
    public int IngressPort { get; }

    public KubernetesApiFixture Api { get; }

    public int HttpPort { get; }

    public int AdminPort { get; private set; }

    public CapturedLog Log { get; } = new();

    public long Version => _app!.Services.GetRequiredService<ConfigStore>().Current.Version;

    public IServiceProvider Services => _app!.Services;

    /// <summary>Status writes this replica made as leader (kept after it stops).</summary>
    public int StatusWrites => _app?.Services.GetService<Sluice.Discovery.Kubernetes.Status.CrdStatusWriter>()?.Writes ?? _writesWhenStopped;

    public static async Task<KubernetesGateway> StartAsync(KubernetesApiFixture? api = null, string identity = "sluice-0", bool start = true)
    {
        api ??= await KubernetesApiFixture.StartAsync();
        RegisterCrds(api);
        var gateway = new KubernetesGateway(api);
        gateway.Api.Apply("gateway.sluice.dev/v1", "gateways", KubernetesObjects.Custom("gateway.sluice.dev/v1", "Gateway", "sluice-system", "http",
            $$"""{"bindAddress":"127.0.0.1","bindPort":{{gateway.HttpPort}}}"""));
        if (start)
        {
            await gateway.StartGatewayAsync(identity);
        }

        return gateway;
    }

    /// <summary>Serves every non-core kind the loader knows (Sluice's CRDs and what others add) as a custom resource.</summary>
    public static void RegisterCrds(KubernetesApiFixture api)
    {
        foreach (var kind in WatchedKind.All(glooCrds: true))
        {
            api.RegisterCustomResource(kind.Group, kind.Version, kind.Plural, kind.KindName, namespaced: !kind.ClusterScoped);
        }
    }

    public async Task StartGatewayAsync(string identity = "sluice-0")
    {
        var options = new GatewayRunOptions
        {
            ConfigPaths = [],
            StateDirectory = Path.Combine(_root, "state"),
            AdminEndpoint = new IPEndPoint(IPAddress.Loopback, AdminPort),
            DrainTimeout = TimeSpan.FromSeconds(5),
            Ingress = Sluice.Discovery.Ingress.IngressControllerSettings.Default with { HttpPort = IngressPort, HttpsPort = IngressHttpsPort },
            Kubernetes = new KubernetesRunOptions
            {
                PublishAddresses = ["203.0.113.10"],
                Client = Api.ClientConfiguration,
                QuietPeriod = TimeSpan.FromMilliseconds(20),
                LeaseNamespace = "sluice-system",
                Identity = identity,
                LeaseDuration = TimeSpan.FromSeconds(3),
                RenewDeadline = TimeSpan.FromSeconds(2),
                RetryPeriod = TimeSpan.FromMilliseconds(300),
                Source = new KubernetesSourceOptions
                {
                    Informer = new InformerOptions { InitialBackoff = TimeSpan.FromMilliseconds(50), MaxBackoff = TimeSpan.FromMilliseconds(500) },
                },
            },
        };
        _app = GatewayHost.Build(options, logging =>
        {
            logging.AddProvider(Log);
            logging.SetMinimumLevel(LogLevel.Information);
            logging.AddFilter("Microsoft", LogLevel.Warning);
            logging.AddFilter("Yarp", LogLevel.Warning);
        });
        await _app.StartAsync();
    }

    public async Task StopGatewayAsync()
    {
        if (_app is not null)
        {
            _writesWhenStopped = StatusWrites;
            await _app.StopAsync();
            await _app.DisposeAsync();
            _app = null;
        }
    }

    public HttpClient CreateClient() => new(new SocketsHttpHandler { UseProxy = false, AllowAutoRedirect = false })
    {
        BaseAddress = new Uri($"http://127.0.0.1:{HttpPort}"),
        Timeout = TimeSpan.FromSeconds(30),
    };

    public HttpClient CreateAdminClient() => new(new SocketsHttpHandler { UseProxy = false }) { BaseAddress = new Uri($"http://127.0.0.1:{AdminPort}") };

    /// <summary>The admin API's status entry of one resource, or null while it has none.</summary>
    public async Task<JsonElement?> AdminStatusAsync(string kind, string ns, string name)
    {
        using var admin = CreateAdminClient();
        using var config = JsonDocument.Parse(await admin.GetStringAsync("/admin/config"));
        foreach (var resource in config.RootElement.GetProperty("resources").EnumerateArray())
        {
            if (resource.GetProperty("kind").GetString() == kind && resource.GetProperty("name").GetString() == name && resource.GetProperty("namespace").GetString() == ns)
            {
                return resource.Clone();
            }
        }

        return null;
    }

    public static async Task EventuallyAsync(Func<Task<bool>> condition, string what, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(20));
        while (!await condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                Assert.Fail($"timed out waiting for: {what}");
            }

            await Task.Delay(25);
        }
    }

    /// <summary>Waits until GET <paramref name="path"/> answers 200 from the backend named <paramref name="backend"/>.</summary>
    public Task WaitForRouteAsync(string path, string? backend = null) => EventuallyAsync(async () =>
    {
        using var client = CreateClient();
        try
        {
            using var response = await client.GetAsync(path);
            if (response.StatusCode != HttpStatusCode.OK)
            {
                return false;
            }

            return backend is null || (await response.Content.ReadFromJsonAsync<EchoResponse>(EchoResponse.JsonOptions))?.Backend == backend;
        }
        catch (HttpRequestException)
        {
            return false;
        }
    }, $"GET {path} served" + (backend is null ? string.Empty : $" by {backend}"));

    public static JsonObject VirtualService(string ns, string name, string upstream, string prefix = "/", string domain = "*") =>
        KubernetesObjects.Custom("gateway.sluice.dev/v1", "VirtualService", ns, name,
            "{\"virtualHost\":{\"domains\":[\"" + domain + "\"],\"routes\":[{\"matchers\":[{\"prefix\":\"" + prefix
            + "\"}],\"routeAction\":{\"single\":{\"upstream\":{\"name\":\"" + upstream + "\"}}}}]}}");

    public async ValueTask DisposeAsync()
    {
        await StopGatewayAsync();
        await Api.DisposeAsync();
        try
        {
            Directory.Delete(_root, recursive: true);
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
    }
}
