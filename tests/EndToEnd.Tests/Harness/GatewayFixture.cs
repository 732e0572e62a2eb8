using System.Net;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Sluice.Gateway;
using Sluice.Gateway.Configuration;

namespace Sluice.EndToEnd.Tests.Harness;

/// <summary>
/// The real gateway (the same host <c>sluice run</c> builds) on loopback, serving a temporary config directory.
/// By default the directory starts with two Gateways: HTTP on <see cref="HttpPort"/> and HTTPS on
/// <see cref="HttpsPort"/>, both bound to 127.0.0.1. Tests write YAML and wait for it to apply.
/// </summary>
public sealed class GatewayFixture : IAsyncDisposable
{
    private WebApplication? _app;
    private Func<GatewayRunOptions, GatewayRunOptions>? _customizeOptions;
    private Action<IServiceCollection>? _services;

    private GatewayFixture(string configDirectory, string stateDirectory)
    {
        ConfigDirectory = configDirectory;
        StateDirectory = stateDirectory;
        AdminPort = FreePort.Next();
        HttpPort = FreePort.Next();
        HttpsPort = FreePort.Next();
    }

    public string ConfigDirectory { get; }

    public string StateDirectory { get; }

    public int AdminPort { get; private set; }

    public int HttpPort { get; }

    public int HttpsPort { get; }

    /// <summary>Everything the gateway logged, for assertions on start-up messages.</summary>
    public CapturedLog Log { get; } = new();

    public long Version => _app!.Services.GetRequiredService<ConfigStore>().Current.Version;

    public static Task<GatewayFixture> StartAsync(Action<GatewayFixture>? writeConfig = null, bool defaultGateways = true, string? stateDirectory = null, string? configDirectory = null, Action<IServiceCollection>? services = null) =>
        StartAsync(writeConfig, runOptions: null, defaultGateways, stateDirectory, configDirectory, services);

    /// <summary>Starts the gateway with <paramref name="runOptions"/> adjusting what <c>sluice run</c> flags would set.</summary>
    /// <param name="services">Extra services for the gateway's container (a Service port resolver, say).</param>
    internal static async Task<GatewayFixture> StartAsync(Action<GatewayFixture>? writeConfig, Func<GatewayRunOptions, GatewayRunOptions>? runOptions, bool defaultGateways = true, string? stateDirectory = null, string? configDirectory = null, Action<IServiceCollection>? services = null)
    {
        var root = Path.Combine(Path.GetTempPath(), "sluice-e2e-" + Guid.NewGuid().ToString("N")[..12]);
        var fixture = new GatewayFixture(configDirectory ?? Path.Combine(root, "config"), stateDirectory ?? Path.Combine(root, "state"));
        Directory.CreateDirectory(fixture.ConfigDirectory);
        if (defaultGateways && configDirectory is null)
        {
            fixture.WriteFile("00-gateways.yaml", Yaml.Gateway("http", fixture.HttpPort) + "---\n" + Yaml.Gateway("https", fixture.HttpsPort, ssl: true));
        }

        writeConfig?.Invoke(fixture);
        fixture._customizeOptions = runOptions;
        fixture._services = services;
        await fixture.StartGatewayAsync();
        return fixture;
    }

    /// <summary>Starts the gateway again on the same directories (a restart), on a new admin port.</summary>
    public async Task RestartAsync()
    {
        await StopAsync();
        AdminPort = FreePort.Next();
        await StartGatewayAsync();
    }

    public async Task StopAsync()
    {
        if (_app is not null)
        {
            await _app.StopAsync();
            await _app.DisposeAsync();
            _app = null;
        }
    }

    public void WriteFile(string relativePath, string yaml)
    {
        var path = Path.Combine(ConfigDirectory, relativePath);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, yaml);
    }

    /// <summary>Writes as editors do: a temporary file renamed over the original.</summary>
    public void WriteFileByRename(string relativePath, string yaml)
    {
        var path = Path.Combine(ConfigDirectory, relativePath);
        var temporary = Path.Combine(ConfigDirectory, "." + Path.GetFileName(path) + ".swp");
        File.WriteAllText(temporary, yaml);
        File.Move(temporary, path, overwrite: true);
    }

    public void DeleteFile(string relativePath) => File.Delete(Path.Combine(ConfigDirectory, relativePath));

    /// <summary>Makes a change to the files and waits until a new config version is live.</summary>
    public async Task<long> ApplyAsync(Action change, TimeSpan? timeout = null)
    {
        var before = Version;
        change();
        return await WaitForVersionAfterAsync(before, timeout ?? TimeSpan.FromSeconds(10));
    }

    public async Task<long> WaitForVersionAfterAsync(long version, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < deadline)
        {
            var current = Version;
            if (current > version)
            {
                return current;
            }

            await Task.Delay(20);
        }

        throw new TimeoutException($"no new config version after {version} within {timeout}");
    }

    public HttpClient CreateClient(Version? version = null) => new(new SocketsHttpHandler { UseProxy = false, AllowAutoRedirect = false })
    {
        BaseAddress = new Uri($"http://127.0.0.1:{HttpPort}"),
        DefaultRequestVersion = version ?? HttpVersion.Version11,
        DefaultVersionPolicy = HttpVersionPolicy.RequestVersionExact,
        Timeout = TimeSpan.FromSeconds(30),
    };

    public HttpClient CreateAdminClient() => new(new SocketsHttpHandler { UseProxy = false }) { BaseAddress = new Uri($"http://127.0.0.1:{AdminPort}") };

    public async Task<JsonDocument> GetAdminConfigAsync()
    {
        using var admin = CreateAdminClient();
        return JsonDocument.Parse(await admin.GetStringAsync("/admin/config"));
    }

    /// <summary>The status entry of one resource in <c>/admin/config</c>.</summary>
    public async Task<JsonElement> GetStatusAsync(string kind, string name, string ns = "default")
    {
        using var config = await GetAdminConfigAsync();
        foreach (var resource in config.RootElement.GetProperty("resources").EnumerateArray())
        {
            if (resource.GetProperty("kind").GetString() == kind && resource.GetProperty("name").GetString() == name && resource.GetProperty("namespace").GetString() == ns)
            {
                return resource.Clone();
            }
        }

        throw new InvalidOperationException($"{kind} {ns}/{name} has no status");
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        try
        {
            Directory.Delete(Path.GetDirectoryName(ConfigDirectory)!, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    private async Task StartGatewayAsync()
    {
        var options = new GatewayRunOptions
        {
            ConfigPaths = [ConfigDirectory],
            StateDirectory = StateDirectory,
            AdminEndpoint = new IPEndPoint(IPAddress.Loopback, AdminPort),
            DrainTimeout = TimeSpan.FromSeconds(5),
            ReloadQuietPeriod = TimeSpan.FromMilliseconds(50),
            ReloadPollInterval = TimeSpan.FromMilliseconds(500),

            // Ingress rules join the fixture's own HTTP and HTTPS listeners, never the fixed default ports.
            Ingress = Sluice.Discovery.Ingress.IngressControllerSettings.Default with { HttpPort = HttpPort, HttpsPort = HttpsPort },
        };
        options = _customizeOptions?.Invoke(options) ?? options;
        _app = GatewayHost.Build(options, logging =>
        {
            logging.AddProvider(Log);
            logging.SetMinimumLevel(LogLevel.Information);
            logging.AddFilter("Microsoft", LogLevel.Warning);
            logging.AddFilter("Yarp", LogLevel.Warning);
        }, _services);
        await _app.StartAsync();
    }
}
