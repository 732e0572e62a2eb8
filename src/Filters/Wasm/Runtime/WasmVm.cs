using Sluice.Filters.Wasm.Abi;
using Sluice.Filters.Wasm.Streams;
using Wasmtime;

namespace Sluice.Filters.Wasm.Runtime;

/// <summary>
/// One instance of a plugin's module in its own Wasmtime store, hosting the plugin's root context and the stream
/// contexts of the requests assigned to it, as one Envoy worker's VM does. A store is single-threaded, so every call
/// into the guest holds <see cref="Gate"/>; calls are short, and a request's awaits happen outside it. An instance
/// that traps is <see cref="Broken"/> for good: the plugin replaces it, and its requests get the fail-open policy.
/// </summary>
internal sealed partial class WasmVm : IDisposable
{
    private readonly Store _store;
    private readonly Instance _instance;
    private readonly Memory _memory;
    private readonly Func<int, int>? _malloc;
    private readonly Action<int, int>? _onContextCreate;
    private readonly Func<int, int, int, int>? _onRequestHeaders;
    private readonly Func<int, int, int>? _onRequestHeaders01;
    private readonly Func<int, int, int, int>? _onRequestBody;
    private readonly Func<int, int, int>? _onRequestTrailers;
    private readonly Func<int, int, int, int>? _onResponseHeaders;
    private readonly Func<int, int, int>? _onResponseHeaders01;
    private readonly Func<int, int, int, int>? _onResponseBody;
    private readonly Func<int, int, int>? _onResponseTrailers;
    private readonly Action<int>? _onLog;
    private readonly Func<int, int>? _onDone;
    private readonly Action<int>? _onDelete;
    private readonly Action<int>? _onTick;
    private readonly Action<int, int>? _onQueueReady;
    private readonly Action<int, int, int, int, int>? _onHttpCallResponse;
    private readonly Dictionary<int, WasmStream> _streams = [];
    private readonly ulong _deadlineTicks;
    private int _nextContextId;
    private bool _disposed;
    private int _currentContextId;
    private int _effectiveContextId;

    public WasmVm(WasmPlugin plugin)
    {
        Plugin = plugin;
        Module = plugin.Module;
        _store = new Store(WasmRuntime.Shared.Engine, this);
        _store.SetLimits(memorySize: plugin.Settings.MaxMemoryBytes, tableElements: null, instances: 10, tables: 10, memories: 2);
        _deadlineTicks = (ulong)Math.Max(1, plugin.Settings.CallTimeout / WasmRuntime.EpochInterval);
        _store.SetEpochDeadline(_deadlineTicks);
        try
        {
            _instance = Module.Linker.Instantiate(_store, Module.Module);
        }
        catch (WasmtimeException ex)
        {
            _store.Dispose();
            throw new WasmLoadException($"the module could not be instantiated: {WasmRuntime.FirstLine(ex.Message)}");
        }

        _memory = _instance.GetMemory("memory") ?? throw new WasmLoadException("the module exports no memory named 'memory'");
        _malloc = _instance.GetFunction<int, int>("proxy_on_memory_allocate") ?? _instance.GetFunction<int, int>("malloc");
        _onContextCreate = _instance.GetAction<int, int>("proxy_on_context_create");
        if (Module.Abi == AbiVersion.V0_1_0)
        {
            _onRequestHeaders01 = _instance.GetFunction<int, int, int>("proxy_on_request_headers");
            _onResponseHeaders01 = _instance.GetFunction<int, int, int>("proxy_on_response_headers");
        }
        else
        {
            _onRequestHeaders = _instance.GetFunction<int, int, int, int>("proxy_on_request_headers");
            _onResponseHeaders = _instance.GetFunction<int, int, int, int>("proxy_on_response_headers");
        }

        _onRequestBody = _instance.GetFunction<int, int, int, int>("proxy_on_request_body");
        _onRequestTrailers = _instance.GetFunction<int, int, int>("proxy_on_request_trailers");
        _onResponseBody = _instance.GetFunction<int, int, int, int>("proxy_on_response_body");
        _onResponseTrailers = _instance.GetFunction<int, int, int>("proxy_on_response_trailers");
        _onLog = _instance.GetAction<int>("proxy_on_log");
        _onDone = _instance.GetFunction<int, int>("proxy_on_done");
        _onDelete = _instance.GetAction<int>("proxy_on_delete");
        _onTick = _instance.GetAction<int>("proxy_on_tick");
        _onQueueReady = _instance.GetAction<int, int>("proxy_on_queue_ready");
        _onHttpCallResponse = _instance.GetAction<int, int, int, int, int>("proxy_on_http_call_response");
    }

    public WasmPlugin Plugin { get; }

    public WasmModule Module { get; }

    /// <summary>Held around every call into the guest.</summary>
    public Lock Gate { get; } = new();

    public int RootContextId { get; private set; }

    /// <summary>Set once a call trapped or the instance failed to start; never cleared.</summary>
    public bool Broken { get; private set; }

    /// <summary>Set when the plugin retires the instance (its memory grew past the recycling mark); no new streams.</summary>
    public bool Retired { get; set; }

    /// <summary>Streams currently hosted (incremented when one is assigned, before its context exists).</summary>
    public int Load;

    public long MemoryBytes => _memory.GetLength();

    /// <summary>The tick period the root context asked for; zero for none.</summary>
    public TimeSpan TickPeriod { get; private set; }

    public long NextTickDue { get; set; }

    /// <summary>
    /// Starts the VM as the C++ host does: <c>_start</c> or <c>_initialize</c>, the root context, <c>proxy_on_vm_start</c>
    /// and <c>proxy_on_configure</c>. Returns why it refused, or null when it started.
    /// </summary>
    public string? Start()
    {
        lock (Gate)
        {
            try
            {
                Enter(0);
                _store.SetEpochDeadline((ulong)(WasmPluginSettings.StartTimeout / WasmRuntime.EpochInterval));
                (_instance.GetAction("_start") ?? _instance.GetAction("_initialize"))?.Invoke();
                RootContextId = ++_nextContextId;
                _currentContextId = RootContextId;
                _onContextCreate?.Invoke(RootContextId, 0);
                var vmStart = _instance.GetFunction<int, int, int>("proxy_on_vm_start");
                if (vmStart is not null && vmStart(RootContextId, Plugin.VmConfiguration.Length) == 0)
                {
                    Broken = true;
                    return "the filter's proxy_on_vm_start returned false (it refused its VM configuration)";
                }

                var configure = _instance.GetFunction<int, int, int>("proxy_on_configure");
                if (configure is not null && configure(RootContextId, Plugin.Configuration.Length) == 0)
                {
                    Broken = true;
                    return "the filter's proxy_on_configure returned false: it rejected its configuration";
                }

                return null;
            }
            catch (Exception ex) when (IsGuestFailure(ex))
            {
                Broken = true;
                return $"the filter trapped while starting: {Describe(ex)}";
            }
        }
    }

    /// <summary>Creates a stream context for a request; call under <see cref="Gate"/>.</summary>
    public int CreateStreamContext(WasmStream stream)
    {
        var id = ++_nextContextId;
        _streams[id] = stream;
        Enter(id);
        _onContextCreate?.Invoke(id, RootContextId);
        return id;
    }

    public FilterHeadersStatus OnRequestHeaders(int id, int headers, bool endOfStream)
    {
        Enter(id);
        return (FilterHeadersStatus)(_onRequestHeaders?.Invoke(id, headers, endOfStream ? 1 : 0) ?? _onRequestHeaders01?.Invoke(id, headers) ?? 0);
    }

    public FilterDataStatus OnRequestBody(int id, int size, bool endOfStream)
    {
        Enter(id);
        return (FilterDataStatus)(_onRequestBody?.Invoke(id, size, endOfStream ? 1 : 0) ?? 0);
    }

    public void OnRequestTrailers(int id, int count)
    {
        Enter(id);
        _onRequestTrailers?.Invoke(id, count);
    }

    public FilterHeadersStatus OnResponseHeaders(int id, int headers, bool endOfStream)
    {
        Enter(id);
        return (FilterHeadersStatus)(_onResponseHeaders?.Invoke(id, headers, endOfStream ? 1 : 0) ?? _onResponseHeaders01?.Invoke(id, headers) ?? 0);
    }

    public FilterDataStatus OnResponseBody(int id, int size, bool endOfStream)
    {
        Enter(id);
        return (FilterDataStatus)(_onResponseBody?.Invoke(id, size, endOfStream ? 1 : 0) ?? 0);
    }

    public bool HasResponseBodyCallback => _onResponseBody is not null;

    public bool HasRequestBodyCallback => _onRequestBody is not null;

    /// <summary>Ends a stream's context as Envoy does: <c>proxy_on_log</c>, <c>proxy_on_done</c>, <c>proxy_on_delete</c>.</summary>
    public void FinishStream(int id)
    {
        try
        {
            if (!Broken)
            {
                Enter(id);
                _onLog?.Invoke(id);
                Enter(id);
                _onDone?.Invoke(id);
                Enter(id);
                _onDelete?.Invoke(id);
            }
        }
        finally
        {
            _streams.Remove(id);
        }
    }

    public void OnTick()
    {
        Enter(RootContextId);
        _onTick?.Invoke(RootContextId);
    }

    public void OnQueueReady(int token)
    {
        Enter(RootContextId);
        _onQueueReady?.Invoke(RootContextId, token);
    }

    /// <summary>Marks the instance unusable after a failed call; the plugin replaces it.</summary>
    public void MarkBroken() => Broken = true;

    /// <summary>Frees the store; the instance counts as broken after, so late deliveries (an http_call's response) skip it.</summary>
    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        Broken = true;
        _store.Dispose();
    }

    /// <summary>Guest failures: traps, epoch deadlines, proc_exit, and host-function failures that unwound the guest.</summary>
    public static bool IsGuestFailure(Exception ex) => ex is WasmtimeException or TrapException or GuestExitException;

    public static string Describe(Exception ex) => ex switch
    {
        TrapException { Type: TrapCode.Interrupt } => "it ran longer than its call timeout",
        GuestExitException exit => exit.Message,
        _ => WasmRuntime.FirstLine(ex.Message),
    };

    /// <summary>Sets the context a call runs for and re-arms the call's time limit.</summary>
    private void Enter(int contextId)
    {
        _currentContextId = contextId;
        _effectiveContextId = 0;
        _store.SetEpochDeadline(_deadlineTicks);
    }

    private int EffectiveContextId => _effectiveContextId != 0 ? _effectiveContextId : _currentContextId;

    /// <summary>The stream the running call acts on, or null when it runs for the root context.</summary>
    private WasmStream? CurrentStream => _streams.TryGetValue(EffectiveContextId, out var stream) ? stream : null;

    internal WasmStream? StreamFor(int contextId) => _streams.TryGetValue(contextId, out var stream) ? stream : null;

    internal void RunForContext(int contextId, Action<WasmVm, int> call)
    {
        Enter(contextId);
        call(this, contextId);
    }
}

/// <summary>The guest called <c>proc_exit</c> or <c>abort</c>: its instance is over.</summary>
internal sealed class GuestExitException(string message) : Exception(message);
