using Sluice.Discovery.Files;
using Sluice.Discovery.Kubernetes;
using Sluice.Discovery.Loading;
using Sluice.Discovery.Snapshots;
using Sluice.Filters;
using Sluice.Gateway.Admin;
using Sluice.Gateway.Admission;
using Sluice.Gateway.Configuration;
using Sluice.Gateway.DataPlane;
using Sluice.Gateway.Listeners;
using Sluice.Gateway.Telemetry;
using Sluice.Gateway.Translation;
using Sluice.Gateway.Upstreams;

namespace Sluice.Gateway;

/// <summary>
/// Composes the running gateway: the admin host (which owns the process lifetime and SIGTERM), the config store
/// fed by the file watcher, and one Kestrel server per listener. Tests start exactly this, on loopback.
/// </summary>
internal static class GatewayHost
{
    /// <param name="configureServices">Extra services, such as the Kubernetes source's <see cref="Sluice.Discovery.Ingress.IServicePortResolver"/>.</param>
    public static WebApplication Build(GatewayRunOptions options, Action<ILoggingBuilder>? configureLogging = null, Action<IServiceCollection>? configureServices = null)
    {
        // Kestrel accepts a bare LF as a line end by default; an edge proxy must not, or a request can be framed one
        // way here and another way by whatever parses it next (request smuggling).
        AppContext.SetSwitch("Microsoft.AspNetCore.Server.Kestrel.DisableHttp1LineFeedTerminators", true);

        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { ApplicationName = "sluice", Args = [] });
        builder.Logging.ClearProviders();
        if (configureLogging is null)
        {
            builder.Logging.AddSimpleConsole(console =>
            {
                console.SingleLine = true;
                console.TimestampFormat = "yyyy-MM-ddTHH:mm:ss.fffZ ";
                console.UseUtcTimestamp = true;
            });
            builder.Logging.AddFilter("Microsoft.AspNetCore", LogLevel.Warning);
            builder.Logging.AddFilter("Microsoft.Hosting.Lifetime", LogLevel.Warning);
            builder.Logging.AddFilter("Yarp", LogLevel.Warning);
        }
        else
        {
            configureLogging(builder.Logging);
        }

        builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = options.DrainTimeout + TimeSpan.FromSeconds(5));
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.AddServerHeader = false;
            kestrel.Listen(options.AdminEndpoint);
        });

        var services = builder.Services;
        services.AddSingleton(options);
        services.AddSingleton(TimeProvider.System);
        services.AddSingleton(FilterRegistry.Default);
        services.AddSingleton(sp => new ResourceFileLoader(sp.GetRequiredService<FilterRegistry>()));
        services.AddSingleton(sp => new ConfigFileScanner(options.ConfigPaths, sp.GetRequiredService<ResourceFileLoader>()));
        services.AddSingleton(sp =>
        {
            var lastGood = LastGoodResources.Load(options.StateDirectory, sp.GetRequiredService<ResourceFileLoader>(), out var problem);
            var logger = sp.GetRequiredService<ILoggerFactory>().CreateLogger("Sluice.State");
            StartupLog.LastGoodLoaded(logger, lastGood.Count, options.StateDirectory, problem ?? "ok");
            return lastGood;
        });
        services.AddSingleton<UpstreamInvokerPool>();
        services.AddSingleton<CertificateCache>();
        services.AddSingleton<FilterStateStore>();
        services.AddSingleton(sp => new Sluice.Discovery.Ingress.IngressConverter(options.Ingress, sp.GetService<Sluice.Discovery.Ingress.IServicePortResolver>()));
        services.AddSingleton<ConfigTranslator>();
        services.AddSingleton<IResourceSource>(sp => options.Kubernetes is null
            ? sp.GetRequiredService<ConfigFileScanner>()
            : new CombinedResourceSource([sp.GetRequiredService<ConfigFileScanner>(), sp.GetRequiredService<KubernetesResourceSource>()]));
        if (options.Kubernetes is { } kubernetes)
        {
            KubernetesHosting.Add(services, kubernetes);
        }

        services.AddSingleton(sp => new ConfigStore(
            sp.GetRequiredService<IResourceSource>(),
            sp.GetRequiredService<LastGoodResources>(),
            sp.GetRequiredService<ConfigTranslator>(),
            options.StateDirectory,
            sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<ILogger<ConfigStore>>()));
        services.AddHttpForwarder();
        services.AddSingleton<ProxyRequestHandler>();
        services.AddSingleton<ListenerManager>();
        services.AddHostedService(sp => sp.GetRequiredService<ListenerManager>());
        services.AddHostedService<ConfigReloadService>();
        services.AddHostedService<CertificateFileWatcher>();
        services.AddUpstreamResilience();
        if (options.Webhook is { } webhook)
        {
            services.AddAdmissionWebhook(webhook);
        }
        configureServices?.Invoke(services);
        services.AddGatewayTelemetry(options.Telemetry);

        var app = builder.Build();
        Sluice.Filters.Wasm.WasmFilterDescriptor.Loggers = app.Services.GetRequiredService<ILoggerFactory>();
        AdminEndpoints.Map(app);
        return app;
    }
}

/// <summary>Reloads the configuration when the watched files change.</summary>
internal sealed partial class ConfigReloadService(ConfigFileScanner scanner, ConfigStore store, TimeProvider time, GatewayRunOptions options, ILogger<ConfigReloadService> logger) : IHostedService, IDisposable
{
    private ConfigDirectoryWatcher? _watcher;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        _watcher = new ConfigDirectoryWatcher(scanner, time, options.ReloadQuietPeriod, options.ReloadPollInterval);
        _watcher.Changed += Reload;
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken)
    {
        _watcher?.Dispose();
        _watcher = null;
        return Task.CompletedTask;
    }

    public void Dispose() => _watcher?.Dispose();

    /// <summary>A reload that fails for any reason leaves the live config as it was; it must never end the process.</summary>
    private void Reload()
    {
        try
        {
            store.Rebuild("files changed");
        }
        catch (Exception ex)
        {
            Telemetry.Metrics.ConfigMetrics.Failed();
            LogReloadFailed(ex);
        }
    }

    [LoggerMessage(EventId = 21, Level = LogLevel.Error, Message = "Reload failed; the previous configuration keeps serving")]
    private partial void LogReloadFailed(Exception exception);
}

internal static partial class StartupLog
{
    [LoggerMessage(EventId = 20, Level = LogLevel.Information, Message = "Loaded {Count} last good resources from {Directory} ({Outcome})")]
    public static partial void LastGoodLoaded(ILogger logger, int count, string directory, string outcome);
}
