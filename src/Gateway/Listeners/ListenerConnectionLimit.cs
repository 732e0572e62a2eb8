using Microsoft.AspNetCore.Connections;
using Sluice.Gateway.Configuration;

namespace Sluice.Gateway.Listeners;

/// <summary>
/// <c>httpConnectionManagerSettings.maxConnections</c>: open connections on one listener, TLS or not, counted before
/// the handshake so a flood costs no TLS work. A connection over the cap is closed at once, as Kestrel's own
/// MaxConcurrentConnections does; unlike that setting (fixed when the socket is bound) the cap is read from the live
/// config on every connection, so a reload changes it.
/// </summary>
internal sealed partial class ListenerConnectionLimit(ConfigStore store, int port, ILogger logger)
{
    private int _open;

    public int Open => Volatile.Read(ref _open);

    public ConnectionDelegate Wrap(ConnectionDelegate next) => connection => HandleAsync(next, connection);

    private async Task HandleAsync(ConnectionDelegate next, ConnectionContext connection)
    {
        var limit = store.Current.Listeners.TryGetValue(port, out var listener) ? listener.Settings.MaxConnections : null;
        var open = Interlocked.Increment(ref _open);
        try
        {
            if (open > limit)
            {
                LogRefused(port, limit.Value);
                return;
            }

            await next(connection).ConfigureAwait(false);
        }
        finally
        {
            Interlocked.Decrement(ref _open);
        }
    }

    [LoggerMessage(EventId = 16, Level = LogLevel.Debug, Message = "Listener on port {Port}: connection refused, maxConnections ({Limit}) reached")]
    private partial void LogRefused(int port, long limit);
}
