using System.Buffers;
using System.Text;
using System.Text.Json;
using System.Threading.Channels;

namespace Sluice.Gateway.Telemetry.AccessLogs;

/// <summary>
/// Writes access log lines off the request path: requests drop their record into a bounded channel and go on; one
/// background loop filters, formats and writes them, flushing whenever it has caught up. When the channel is full
/// (the disk or the terminal is slower than the traffic) the record is dropped and counted in
/// <c>sluice_access_log_dropped_total</c>: a request never waits for its log line, as with Envoy's buffered file sink.
/// </summary>
internal sealed partial class AccessLogWriter : IHostedService, IAsyncDisposable
{
    public const int Capacity = 16384;

    private readonly Channel<AccessLogRecord> _channel = Channel.CreateBounded<AccessLogRecord>(new BoundedChannelOptions(Capacity)
    {
        SingleReader = true,
        FullMode = BoundedChannelFullMode.Wait,
    });

    private readonly Dictionary<string, Stream> _files = new(StringComparer.Ordinal);
    private readonly HashSet<string> _failedPaths = new(StringComparer.Ordinal);
    private readonly ILogger<AccessLogWriter> _logger;
    private Task? _loop;

    public AccessLogWriter(ILogger<AccessLogWriter> logger)
    {
        _logger = logger;
    }

    /// <summary>Queues a record; false (and counted) when the writer is behind and the line is dropped.</summary>
    public bool TryWrite(in AccessLogRecord record)
    {
        if (_channel.Writer.TryWrite(record))
        {
            return true;
        }

        GatewayInstruments.AccessLogDropped.Add(1);
        return false;
    }

    public Task StartAsync(CancellationToken cancellationToken)
    {
        _loop = Task.Run(RunAsync, CancellationToken.None);
        return Task.CompletedTask;
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        // Requests drained by now have queued their lines; write what is queued, then close the files.
        _channel.Writer.TryComplete();
        if (_loop is not null)
        {
            await _loop.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    public async ValueTask DisposeAsync()
    {
        _channel.Writer.TryComplete();
        if (_loop is not null)
        {
            await _loop.ConfigureAwait(false);
        }
    }

    private async Task RunAsync()
    {
        var buffer = new ArrayBufferWriter<byte>(4096);
        using var json = new Utf8JsonWriter(buffer, new JsonWriterOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping });
        var text = new StringBuilder(256);
        var reader = _channel.Reader;
        var dirty = new HashSet<Stream>();
        try
        {
            while (await reader.WaitToReadAsync().ConfigureAwait(false))
            {
                while (reader.TryRead(out var record))
                {
                    foreach (var sink in record.Policy.Sinks)
                    {
                        if (sink.Filter is { } filter && !filter.Keeps(record))
                        {
                            continue;
                        }

                        if (Open(sink.Path) is not { } stream)
                        {
                            continue;
                        }

                        buffer.ResetWrittenCount();
                        sink.Format.Write(record, buffer, json, text);
                        Write(sink.Path, stream, buffer.WrittenSpan);
                        dirty.Add(stream);
                    }
                }

                foreach (var stream in dirty)
                {
                    Flush(stream);
                }

                dirty.Clear();
            }
        }
        finally
        {
            foreach (var stream in _files.Values)
            {
                Flush(stream);
                await stream.DisposeAsync().ConfigureAwait(false);
            }

            _files.Clear();
        }
    }

    private Stream? Open(string path)
    {
        if (_files.TryGetValue(path, out var stream))
        {
            return stream;
        }

        try
        {
            stream = path switch
            {
                "/dev/stdout" => Console.OpenStandardOutput(),
                "/dev/stderr" => Console.OpenStandardError(),
                _ => new FileStream(path, FileMode.Append, FileAccess.Write, FileShare.ReadWrite | FileShare.Delete, 64 * 1024),
            };
            _files[path] = stream;
            _failedPaths.Remove(path);
            return stream;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or NotSupportedException or ArgumentException)
        {
            // Logged once per path until it opens again; its lines are dropped meanwhile.
            if (_failedPaths.Add(path))
            {
                LogOpenFailed(path, ex.Message);
            }

            GatewayInstruments.AccessLogDropped.Add(1);
            return null;
        }
    }

    private void Write(string path, Stream stream, ReadOnlySpan<byte> line)
    {
        try
        {
            stream.Write(line);
        }
        catch (IOException ex)
        {
            GatewayInstruments.AccessLogDropped.Add(1);
            if (_failedPaths.Add(path))
            {
                LogOpenFailed(path, ex.Message);
            }
        }
    }

    private static void Flush(Stream stream)
    {
        try
        {
            stream.Flush();
        }
        catch (IOException)
        {
            // A full disk or a closed terminal: the next write reports it.
        }
    }

    [LoggerMessage(EventId = 400, Level = LogLevel.Error, Message = "Access log {Path} cannot be written: {Reason}; its lines are dropped")]
    private partial void LogOpenFailed(string path, string reason);
}
