using System.Net;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using System.Net.Security;
using System.Security.Authentication;
using Microsoft.AspNetCore.Server.Kestrel.Https;
using Sluice.Gateway.Configuration;
using Sluice.Gateway.DataPlane;

namespace Sluice.Gateway.Listeners;

/// <summary>
/// Keeps one Kestrel server per listener in step with the live config: a listener that appears is bound, one that
/// disappears is drained and closed, and the others are never touched, so a Gateway change never drops traffic
/// elsewhere. Certificates are chosen per connection from the live config, so they change without rebinding.
/// </summary>
internal sealed partial class ListenerManager(
    ConfigStore store,
    ProxyRequestHandler handler,
    ILoggerFactory loggerFactory,
    GatewayRunOptions options,
    ILogger<ListenerManager> logger) : IHostedService
{
    private readonly SemaphoreSlim _reconcileGate = new(1, 1);
    private readonly ListenerRequestGate _gate = new(handler, store);
    private readonly Dictionary<(string Address, int Port, bool Ssl), KestrelServerLimits> _limits = [];
    private readonly Dictionary<(string Address, int Port, bool Ssl), WebApplication> _running = [];
    private bool _stopping;

    public IReadOnlyCollection<(string Address, int Port, bool Ssl)> Bound
    {
        get
        {
            lock (_running)
            {
                return [.. _running.Keys];
            }
        }
    }

    public bool Ready { get; private set; }

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        store.Applied += config => _ = ReconcileAsync(config);
        var config = store.Rebuild("startup");
        await ReconcileAsync(config).ConfigureAwait(false);
        Ready = true;
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        await _reconcileGate.WaitAsync(CancellationToken.None).ConfigureAwait(false);
        try
        {
            _stopping = true;
            List<WebApplication> apps;
            lock (_running)
            {
                apps = [.. _running.Values];
                _running.Clear();
            }

            // Drain every listener at once: in-flight requests finish within the host's shutdown timeout.
            await Task.WhenAll(apps.Select(app => StopAppAsync(app, cancellationToken))).ConfigureAwait(false);
        }
        finally
        {
            _reconcileGate.Release();
        }
    }

    private async Task ReconcileAsync(CompiledConfig config)
    {
        await _reconcileGate.WaitAsync().ConfigureAwait(false);
        try
        {
            if (_stopping)
            {
                return;
            }

            var wanted = config.Listeners.Values.ToDictionary(l => (l.BindAddress, l.Port, l.Ssl));
            List<KeyValuePair<(string, int, bool), WebApplication>> toStop;
            lock (_running)
            {
                toStop = [.. _running.Where(entry => !wanted.ContainsKey(entry.Key))];
                foreach (var entry in toStop)
                {
                    _running.Remove(entry.Key);
                    _limits.Remove(entry.Key);
                }
            }

            foreach (var (key, app) in toStop)
            {
                LogListenerStopping(key.Item1, key.Item2);
                await StopAppAsync(app, CancellationToken.None).ConfigureAwait(false);
            }

            foreach (var (key, listener) in wanted)
            {
                lock (_running)
                {
                    if (_running.ContainsKey(key))
                    {
                        // A listener that stays keeps its socket; its limits follow the new settings.
                        if (_limits.TryGetValue(key, out var limits))
                        {
                            ListenerLimits.Apply(limits, listener.Settings);
                        }

                        continue;
                    }
                }

                try
                {
                    var app = Build(listener);
                    await app.StartAsync().ConfigureAwait(false);
                    lock (_running)
                    {
                        _running[key] = app;
                    }

                    LogListenerStarted(listener.Name, listener.BindAddress, listener.Port, listener.Ssl ? "https" : "http");
                }
                catch (IOException ex)
                {
                    LogListenerFailed(listener.Name, listener.BindAddress, listener.Port, ex.Message);
                }
            }
        }
        finally
        {
            _reconcileGate.Release();
        }
    }

    private static async Task StopAppAsync(WebApplication app, CancellationToken cancellationToken)
    {
        await app.StopAsync(cancellationToken).ConfigureAwait(false);
        await app.DisposeAsync().ConfigureAwait(false);
    }

    private WebApplication Build(CompiledListener listener)
    {
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { ApplicationName = "sluice" });
        builder.Logging.ClearProviders();
        builder.Services.AddSingleton(loggerFactory);
        builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = options.DrainTimeout);
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.AddServerHeader = false;
            kestrel.Limits.MaxRequestBodySize = null;
            ListenerLimits.Apply(kestrel.Limits, listener.Settings);
            lock (_running)
            {
                _limits[(listener.BindAddress, listener.Port, listener.Ssl)] = kestrel.Limits;
            }

            // An h2c stream says ':scheme: http' on a connection that carries the TLS marker; let that through.
            kestrel.AllowAlternateSchemes = !listener.Ssl;
            var port = listener.Port;
            var connections = new ListenerConnectionLimit(store, port, logger);
            void Configure(ListenOptions listen)
            {
                listen.Protocols = HttpProtocols.Http1AndHttp2;
                listen.Use(connections.Wrap);
                if (listener.Ssl)
                {
                    listen.UseHttps(new TlsHandshakeCallbackOptions { OnConnection = context => SelectTls(context, port) });
                }
                else if (!H2cPriorKnowledge.TryEnable(listen))
                {
                    listen.Protocols = HttpProtocols.Http1;
                    LogH2cUnavailable(listener.Name);
                }
            }

            switch (listener.BindAddress)
            {
                case "::":
                    kestrel.ListenAnyIP(port, Configure);
                    break;
                case "localhost":
                    kestrel.ListenLocalhost(port, Configure);
                    break;
                default:
                    kestrel.Listen(IPAddress.Parse(listener.BindAddress), port, Configure);
                    break;
            }
        });

        var app = builder.Build();
        app.Run(_gate.InvokeAsync);
        return app;
    }

    /// <summary>
    /// Picks the TLS context for one handshake by SNI from the live config, so a new certificate (or client-certificate
    /// requirement) applies to the next connection without rebinding. A connection that verified a client
    /// certificate remembers which context did, for <see cref="ListenerRequestGate"/>.
    /// </summary>
    private ValueTask<SslServerAuthenticationOptions> SelectTls(TlsHandshakeCallbackContext context, int port)
    {
        var serverName = context.ClientHelloInfo.ServerName;
        var tls = store.Current.Listeners.TryGetValue(port, out var live) ? live.Certificates.Select(serverName) : null;
        if (tls is null)
        {
            throw new AuthenticationException($"no certificate for server name '{serverName}' on port {port}");
        }

        if (tls.VerificationKey is not null)
        {
            context.Connection.Items[ListenerRequestGate.VerifiedBy] = tls;
        }

        return ValueTask.FromResult(tls.Options);
    }

    [LoggerMessage(EventId = 13, Level = LogLevel.Warning, Message = "Listener {Name}: this Kestrel version cannot serve h2c beside HTTP/1.1; serving HTTP/1.1 only")]
    private partial void LogH2cUnavailable(string name);

    [LoggerMessage(EventId = 10, Level = LogLevel.Information, Message = "Listener {Name} serving {Scheme} on {Address} port {Port}")]
    private partial void LogListenerStarted(string name, string address, int port, string scheme);

    [LoggerMessage(EventId = 11, Level = LogLevel.Information, Message = "Listener on {Address} port {Port} removed; draining")]
    private partial void LogListenerStopping(string address, int port);

    [LoggerMessage(EventId = 12, Level = LogLevel.Error, Message = "Listener {Name} could not bind {Address} port {Port}: {Reason}")]
    private partial void LogListenerFailed(string name, string address, int port, string reason);
}
