using Sluice.Discovery.Files;
using Sluice.Gateway.Configuration;
using Sluice.Gateway.Translation;

namespace Sluice.Gateway.Listeners;

/// <summary>
/// Rebuilds the snapshot when a certificate, key or CA file named by an <c>sslFiles</c> changes on disk, so new
/// connections get the new certificate without a restart. Which files to watch follows every applied config.
/// </summary>
internal sealed partial class CertificateFileWatcher(ConfigStore store, CertificateCache certificates, TimeProvider time, GatewayRunOptions options, ILogger<CertificateFileWatcher> logger) : IHostedService, IDisposable
{
    private FileSetWatcher? _watcher;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        _watcher = new FileSetWatcher(time, options.ReloadQuietPeriod, options.ReloadPollInterval);
        _watcher.Changed += Reload;
        store.Applied += Follow;
        _watcher.Watch(certificates.WatchedFiles);
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken)
    {
        store.Applied -= Follow;
        _watcher?.Dispose();
        _watcher = null;
        return Task.CompletedTask;
    }

    public void Dispose() => _watcher?.Dispose();

    private void Follow(CompiledConfig config) => _watcher?.Watch(certificates.WatchedFiles);

    private void Reload()
    {
        try
        {
            LogCertificatesChanged();
            store.Rebuild("certificate files changed");
        }
        catch (Exception ex)
        {
            LogReloadFailed(ex);
        }
    }

    [LoggerMessage(EventId = 14, Level = LogLevel.Information, Message = "Certificate files changed; rebuilding the configuration")]
    private partial void LogCertificatesChanged();

    [LoggerMessage(EventId = 15, Level = LogLevel.Error, Message = "Reload after a certificate change failed; the previous configuration keeps serving")]
    private partial void LogReloadFailed(Exception exception);
}
