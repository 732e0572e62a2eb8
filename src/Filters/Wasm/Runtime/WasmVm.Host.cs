using System.Text;
using Microsoft.Extensions.Logging;
using Sluice.Filters.Wasm.Abi;
using Sluice.Filters.Wasm.Streams;

namespace Sluice.Filters.Wasm.Runtime;

/// <summary>The proxy-wasm host calls that act on this instance's contexts: logging, header maps, buffers, streams, time.</summary>
internal sealed partial class WasmVm
{
    [ThreadStatic]
    private static List<KeyValuePair<string, string>>? _pairs;

    /// <summary>Set while an http_call's response is being delivered to the guest.</summary>
    internal HttpCallResult? CallResponse { get; set; }

    internal WasmResult Log(int level, int pointer, int size)
    {
        var logLevel = ToLogLevel(level);
        var logger = Plugin.Logger;

        // The level is checked before the message is decoded: a filter logging at debug costs nothing when debug is off.
        if (logger.IsEnabled(logLevel))
        {
            var message = String(pointer, size);
            Plugin.OnGuestLog?.Invoke(level, message);
            WasmLog.Guest(logger, logLevel, Plugin.Name, message);
        }
        else if (Plugin.OnGuestLog is { } capture)
        {
            capture(level, String(pointer, size));
        }

        return WasmResult.Ok;
    }

    /// <summary>A line the guest wrote to stdout or stderr.</summary>
    internal void LogText(WasmLogLevel level, string message)
    {
        var logLevel = ToLogLevel((int)level);
        Plugin.OnGuestLog?.Invoke((int)level, message);
        if (Plugin.Logger.IsEnabled(logLevel))
        {
            WasmLog.Guest(Plugin.Logger, logLevel, Plugin.Name, message);
        }
    }

    internal WasmResult GetLogLevel(int levelPointer)
    {
        var logger = Plugin.Logger;
        var level = Plugin.OnGuestLog is not null ? 0
            : logger.IsEnabled(LogLevel.Trace) ? 0
            : logger.IsEnabled(LogLevel.Debug) ? 1
            : logger.IsEnabled(LogLevel.Information) ? 2
            : logger.IsEnabled(LogLevel.Warning) ? 3
            : logger.IsEnabled(LogLevel.Error) ? 4 : 5;
        WriteU32(levelPointer, (uint)level);
        return WasmResult.Ok;
    }

    internal WasmResult SetEffectiveContext(int contextId)
    {
        if (contextId != RootContextId && !_streams.ContainsKey(contextId))
        {
            return WasmResult.BadArgument;
        }

        _effectiveContextId = contextId;
        return WasmResult.Ok;
    }

    internal WasmResult ContinueStream(int streamType)
    {
        if (CurrentStream is not { } stream)
        {
            return WasmResult.NotFound;
        }

        if (streamType is (int)StreamType.HttpRequest or (int)StreamType.HttpResponse)
        {
            stream.Resume();
        }

        return WasmResult.Ok;
    }

    internal WasmResult CloseStream(int streamType)
    {
        if (CurrentStream is not { } stream)
        {
            return WasmResult.NotFound;
        }

        stream.CloseRequested = true;
        stream.Resume();
        return WasmResult.Ok;
    }

    internal WasmResult SendLocalResponse(int status, int detailsPointer, int detailsSize, int bodyPointer, int bodySize, int headersPointer, int headersSize)
    {
        if (CurrentStream is not { } stream)
        {
            return WasmResult.NotFound;
        }

        var headers = new List<KeyValuePair<string, string>>();
        if (!HeaderPairs.TryParse(Bytes(headersPointer, headersSize), headers))
        {
            return WasmResult.ParseFailure;
        }

        stream.LocalResponse = new WasmLocalResponse(status, String(detailsPointer, detailsSize), Bytes(bodyPointer, bodySize).ToArray(), headers);
        stream.Resume();
        return WasmResult.Ok;
    }

    internal WasmResult GetCurrentTime(int pointer)
    {
        var now = Plugin.Time.GetUtcNow();
        WriteU64(pointer, (ulong)((now.ToUnixTimeMilliseconds() * 1_000_000) + (now.Ticks % TimeSpan.TicksPerMillisecond * 100)));
        return WasmResult.Ok;
    }

    internal WasmResult SetTickPeriod(int milliseconds)
    {
        TickPeriod = TimeSpan.FromMilliseconds((uint)milliseconds);
        NextTickDue = 0;
        Plugin.EnsureTicking(TickPeriod);
        return WasmResult.Ok;
    }

    internal WasmResult Done() => WasmResult.Ok;

    private IHeaderMap? HeaderMap(int type) => (HeaderMapType)type switch
    {
        HeaderMapType.RequestHeaders => CurrentStream?.RequestHeaders,
        HeaderMapType.ResponseHeaders => CurrentStream?.ResponseHeaders,
        HeaderMapType.RequestTrailers or HeaderMapType.ResponseTrailers => CurrentStream is null ? null : EmptyTrailers.Instance,
        HeaderMapType.HttpCallResponseHeaders => CallResponse?.Headers,
        HeaderMapType.HttpCallResponseTrailers => CallResponse?.Trailers,
        _ => null,
    };

    internal WasmResult GetHeaderMapValue(int type, int keyPointer, int keySize, int valuePointerPointer, int valueSizePointer)
    {
        if (HeaderMap(type) is not { } map)
        {
            return WasmResult.BadArgument;
        }

        var value = map.Get(LowerKey(keyPointer, keySize));
        return value is null ? WasmResult.NotFound : CopyOut(value, valuePointerPointer, valueSizePointer);
    }

    internal WasmResult AddHeaderMapValue(int type, int keyPointer, int keySize, int valuePointer, int valueSize)
    {
        if (HeaderMap(type) is not { } map)
        {
            return WasmResult.BadArgument;
        }

        if (!map.IsReadOnly)
        {
            map.Add(LowerKey(keyPointer, keySize), String(valuePointer, valueSize));
        }

        return WasmResult.Ok;
    }

    internal WasmResult ReplaceHeaderMapValue(int type, int keyPointer, int keySize, int valuePointer, int valueSize)
    {
        if (HeaderMap(type) is not { } map)
        {
            return WasmResult.BadArgument;
        }

        if (!map.IsReadOnly)
        {
            map.Replace(LowerKey(keyPointer, keySize), String(valuePointer, valueSize));
        }

        return WasmResult.Ok;
    }

    internal WasmResult RemoveHeaderMapValue(int type, int keyPointer, int keySize)
    {
        if (HeaderMap(type) is not { } map)
        {
            return WasmResult.BadArgument;
        }

        if (!map.IsReadOnly)
        {
            map.Remove(LowerKey(keyPointer, keySize));
        }

        return WasmResult.Ok;
    }

    internal WasmResult GetHeaderMapPairs(int type, int pointerPointer, int sizePointer)
    {
        if (HeaderMap(type) is not { } map)
        {
            return WasmResult.BadArgument;
        }

        var pairs = _pairs ??= [];
        pairs.Clear();
        map.CopyPairs(pairs);
        var size = HeaderPairs.SerializedSize(pairs);
        var pointer = Allocate(size);
        HeaderPairs.Write(pairs, Bytes(pointer, size));
        pairs.Clear();
        WriteU32(pointerPointer, (uint)pointer);
        WriteU32(sizePointer, (uint)size);
        return WasmResult.Ok;
    }

    internal WasmResult SetHeaderMapPairs(int type, int pointer, int size)
    {
        if (HeaderMap(type) is not { } map)
        {
            return WasmResult.BadArgument;
        }

        var pairs = new List<KeyValuePair<string, string>>();
        if (!HeaderPairs.TryParse(Bytes(pointer, size), pairs))
        {
            return WasmResult.ParseFailure;
        }

        if (map.IsReadOnly)
        {
            return WasmResult.Ok;
        }

        var existing = new List<KeyValuePair<string, string>>();
        map.CopyPairs(existing);
        foreach (var (key, _) in existing)
        {
            map.Remove(key);
        }

        foreach (var (key, value) in pairs)
        {
            map.Add(key.ToLowerInvariant(), value);
        }

        return WasmResult.Ok;
    }

    internal WasmResult GetHeaderMapSize(int type, int sizePointer)
    {
        if (HeaderMap(type) is not { } map)
        {
            return WasmResult.BadArgument;
        }

        var pairs = new List<KeyValuePair<string, string>>();
        map.CopyPairs(pairs);
        WriteU32(sizePointer, (uint)HeaderPairs.SerializedSize(pairs));
        return WasmResult.Ok;
    }

    private BodyBuffer? Buffer(int type) => (BufferType)type switch
    {
        BufferType.HttpRequestBody => CurrentStream?.RequestBody,
        BufferType.HttpResponseBody => CurrentStream?.ResponseBody,
        BufferType.HttpCallResponseBody => CallResponse?.Body,
        BufferType.PluginConfiguration => Plugin.ConfigurationBuffer,
        BufferType.VmConfiguration => Plugin.VmConfigurationBuffer,
        _ => null,
    };

    internal WasmResult GetBufferBytes(int type, int start, int length, int pointerPointer, int sizePointer)
    {
        if (Buffer(type) is not { } buffer)
        {
            return WasmResult.NotFound;
        }

        var first = (uint)start;
        var count = (uint)length;
        if (first + (ulong)count > uint.MaxValue)
        {
            return WasmResult.BadArgument;
        }

        if (first > (uint)buffer.Length)
        {
            return WasmResult.BadArgument;
        }

        if (first + count > (uint)buffer.Length)
        {
            count = (uint)buffer.Length - first;
        }

        // As the C++ host: nothing is copied (and nothing written back) for an empty range.
        return count == 0 ? WasmResult.Ok : CopyOut(buffer.Content.Slice((int)first, (int)count), pointerPointer, sizePointer);
    }

    internal WasmResult GetBufferStatus(int type, int lengthPointer, int flagsPointer)
    {
        if (Buffer(type) is not { } buffer)
        {
            return WasmResult.NotFound;
        }

        WriteU32(lengthPointer, (uint)buffer.Length);
        WriteU32(flagsPointer, 0);
        return WasmResult.Ok;
    }

    internal WasmResult SetBufferBytes(int type, int start, int length, int dataPointer, int dataSize)
    {
        if ((BufferType)type is not (BufferType.HttpRequestBody or BufferType.HttpResponseBody) || Buffer(type) is not { } buffer)
        {
            return WasmResult.NotFound;
        }

        return buffer.Set(start, length, Bytes(dataPointer, dataSize));
    }

    /// <summary>The 0.1.0 <c>proxy_get_configuration</c>: the plugin configuration.</summary>
    internal WasmResult GetConfiguration(int pointerPointer, int sizePointer) =>
        CopyOut(Plugin.Configuration, pointerPointer, sizePointer);

    private string LowerKey(int pointer, int size)
    {
        var bytes = Bytes(pointer, size);
        foreach (var b in bytes)
        {
            if (b is >= (byte)'A' and <= (byte)'Z')
            {
                return Encoding.UTF8.GetString(bytes).ToLowerInvariant();
            }
        }

        return Encoding.UTF8.GetString(bytes);
    }

    private static LogLevel ToLogLevel(int level) => (WasmLogLevel)level switch
    {
        WasmLogLevel.Trace => LogLevel.Trace,
        WasmLogLevel.Debug => LogLevel.Debug,
        WasmLogLevel.Info => LogLevel.Information,
        WasmLogLevel.Warn => LogLevel.Warning,
        WasmLogLevel.Error => LogLevel.Error,
        _ => LogLevel.Critical,
    };

    /// <summary>Trailers are not surfaced to filters yet: an empty map that ignores writes.</summary>
    private sealed class EmptyTrailers : IHeaderMap
    {
        public static EmptyTrailers Instance { get; } = new();

        public int Count => 0;

        public bool IsReadOnly => true;

        public string? Get(string name) => null;

        public void CopyPairs(List<KeyValuePair<string, string>> pairs)
        {
        }

        public void Add(string name, string value)
        {
        }

        public void Replace(string name, string value)
        {
        }

        public void Remove(string name)
        {
        }
    }
}

/// <summary>An http_call's response while it is delivered: its header map, body and trailers.</summary>
internal sealed class HttpCallResult(ListHeaderMap headers, BodyBuffer body, ListHeaderMap trailers)
{
    public ListHeaderMap Headers { get; } = headers;

    public BodyBuffer Body { get; } = body;

    public ListHeaderMap Trailers { get; } = trailers;
}

internal static partial class WasmLog
{
    [LoggerMessage(EventId = 1001, Message = "wasm filter {Plugin}: {Message}")]
    public static partial void Guest(ILogger logger, LogLevel level, string plugin, string message);

    [LoggerMessage(EventId = 1002, Level = LogLevel.Warning, Message = "wasm filter {Plugin}: an instance failed ({Reason}); replacing it")]
    public static partial void InstanceFailed(ILogger logger, string plugin, string reason);

    [LoggerMessage(EventId = 1003, Level = LogLevel.Error, Message = "wasm filter {Plugin}: a replacement instance did not start: {Reason}")]
    public static partial void ReplacementFailed(ILogger logger, string plugin, string reason);

    [LoggerMessage(EventId = 1004, Level = LogLevel.Information, Message = "wasm filter {Plugin}: recycling an instance whose memory grew to {Bytes} bytes")]
    public static partial void Recycling(ILogger logger, string plugin, long bytes);

    [LoggerMessage(EventId = 1005, Level = LogLevel.Warning, Message = "wasm filter {Plugin}: http_call to {Upstream} failed: {Reason}")]
    public static partial void HttpCallFailed(ILogger logger, string plugin, string upstream, string reason);
}
