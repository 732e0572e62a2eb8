using System.Text;
using Microsoft.Extensions.Logging;
using Sluice.Filters.Wasm.Streams;

namespace Sluice.Filters.Wasm.Runtime;

/// <summary>How one plugin's instances are bounded.</summary>
internal sealed record WasmPluginSettings(long MaxMemoryBytes, TimeSpan CallTimeout, long MaxBodyBytes, int Instances, bool FailOpen)
{
    public const long DefaultMaxMemoryBytes = 64L * 1024 * 1024;
    public const long DefaultMaxBodyBytes = 1024 * 1024;
    public static readonly TimeSpan DefaultCallTimeout = TimeSpan.FromSeconds(1);

    /// <summary>Starting an instance (its _start, vm start and configure) may take longer than a request callback.</summary>
    public static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(10);

    public static int DefaultInstances => Math.Clamp(Environment.ProcessorCount, 1, 8);

    /// <summary>An instance whose memory grew past this is retired once its streams end and replaced by a fresh one.</summary>
    public long RecycleAtBytes => MaxMemoryBytes / 2;
}

/// <summary>
/// A configured filter (module, root id, configuration) and its instances: a fixed number of slots, each filled on
/// first use with a started instance. A request is assigned an instance for its whole life (its context lives there);
/// instances that trap are replaced in the background, and those whose memory grew past half the limit are retired
/// and replaced, which bounds memory that grows with traffic. Shared by every snapshot that configures it identically.
/// </summary>
internal sealed class WasmPlugin
{
    private readonly WasmVm?[] _slots;
    private readonly bool[] _replacing;
    private readonly Lock _slotsGate = new();
    private Timer? _ticker;
    private TimeSpan _tickPeriod;
    private int _next;

    public WasmPlugin(string name, string rootId, WasmModule module, byte[] configuration, byte[] vmConfiguration, WasmPluginSettings settings, ILogger logger, TimeProvider time)
    {
        Name = name;
        RootId = rootId;
        Module = module;
        Configuration = configuration;
        VmConfiguration = vmConfiguration;
        Settings = settings;
        Logger = logger;
        Time = time;
        ConfigurationBuffer.Load(configuration);
        VmConfigurationBuffer.Load(vmConfiguration);
        _slots = new WasmVm?[Math.Max(1, settings.Instances)];
        _replacing = new bool[_slots.Length];
    }

    public string Name { get; }

    public string RootId { get; }

    /// <summary>Envoy's vm_id: instances of plugins with the same id share data and queues. Sluice uses the module hash.</summary>
    public string VmId => Module.Sha256;

    public WasmModule Module { get; }

    public byte[] Configuration { get; }

    public byte[] VmConfiguration { get; }

    public BodyBuffer ConfigurationBuffer { get; } = new();

    public BodyBuffer VmConfigurationBuffer { get; } = new();

    public WasmPluginSettings Settings { get; }

    public ILogger Logger { get; }

    public TimeProvider Time { get; }

    /// <summary>Sees every guest log line, whatever the log level (the offline <c>sluice wasm test</c> prints them).</summary>
    public Action<int, string>? OnGuestLog { get; set; }

    /// <summary>The side-request client of the last request, for calls a root context makes (on a tick).</summary>
    public IUpstreamHttpClient? LastUpstreams { get; set; }

    public static byte[] Bytes(StructuredValue? value) => value is null ? [] : Encoding.UTF8.GetBytes(value.Text);

    /// <summary>Starts the first instance; returns why the filter refused to start, or null.</summary>
    public string? StartFirst()
    {
        lock (_slotsGate)
        {
            if (_slots[0] is { Broken: false })
            {
                return null;
            }

            var (vm, error) = CreateInstance();
            _slots[0] = vm;
            return error;
        }
    }

    /// <summary>An instance for a new request (its load counted), or null when none can run.</summary>
    public WasmVm? Acquire()
    {
        for (var attempt = 0; attempt < _slots.Length; attempt++)
        {
            var index = (int)((uint)Interlocked.Increment(ref _next) % (uint)_slots.Length);
            var vm = Volatile.Read(ref _slots[index]);
            if (vm is null)
            {
                lock (_slotsGate)
                {
                    vm = _slots[index];
                    if (vm is null)
                    {
                        (vm, _) = CreateInstance();
                        _slots[index] = vm;
                    }
                }
            }

            if (vm is null || vm.Broken)
            {
                ScheduleReplacement(index, vm);
                continue;
            }

            if (vm.Retired)
            {
                // A retired instance still works: it serves until its replacement takes the slot.
                ScheduleReplacement(index, vm);
            }

            Interlocked.Increment(ref vm.Load);
            return vm;
        }

        return null;
    }

    /// <summary>A request is done with its instance: retire it when its memory grew too far, dispose it when idle and out.</summary>
    public void Release(WasmVm vm)
    {
        var load = Interlocked.Decrement(ref vm.Load);
        if (!vm.Retired && !vm.Broken && vm.MemoryBytes > Settings.RecycleAtBytes)
        {
            vm.Retired = true;
            WasmLog.Recycling(Logger, Name, vm.MemoryBytes);
            var index = Array.IndexOf(_slots, vm);
            if (index >= 0)
            {
                ScheduleReplacement(index, vm);
            }
        }

        if (load == 0 && (vm.Retired || vm.Broken) && Array.IndexOf(_slots, vm) < 0)
        {
            lock (vm.Gate)
            {
                vm.Dispose();
            }
        }
    }

    /// <summary>A call into <paramref name="vm"/> failed: it serves no more requests and a fresh one takes its slot.</summary>
    public void ReportFailure(WasmVm vm, Exception exception)
    {
        if (vm.Broken)
        {
            return;
        }

        vm.MarkBroken();
        WasmLog.InstanceFailed(Logger, Name, WasmVm.Describe(exception));
        var index = Array.IndexOf(_slots, vm);
        if (index >= 0)
        {
            ScheduleReplacement(index, vm);
        }
    }

    public void EnsureTicking(TimeSpan period)
    {
        if (period <= TimeSpan.Zero)
        {
            return;
        }

        lock (_slotsGate)
        {
            if (_ticker is not null && _tickPeriod <= period)
            {
                return;
            }

            _tickPeriod = period;
            _ticker?.Dispose();
            var weak = new WeakReference<WasmPlugin>(this);
            _ticker = new Timer(static state => Tick((WeakReference<WasmPlugin>)state!), weak, period, period);
        }
    }

    public void OnQueueReady(int queueId)
    {
        foreach (var vm in _slots)
        {
            if (vm is null || vm.Broken)
            {
                continue;
            }

            try
            {
                lock (vm.Gate)
                {
                    vm.OnQueueReady(queueId);
                }
            }
            catch (Exception ex) when (WasmVm.IsGuestFailure(ex))
            {
                ReportFailure(vm, ex);
            }

            return;
        }
    }

    private static void Tick(WeakReference<WasmPlugin> weak)
    {
        if (!weak.TryGetTarget(out var plugin))
        {
            return;
        }

        var now = plugin.Time.GetTimestamp();
        foreach (var vm in plugin._slots)
        {
            if (vm is null || vm.Broken || vm.TickPeriod <= TimeSpan.Zero || (vm.NextTickDue != 0 && now < vm.NextTickDue))
            {
                continue;
            }

            vm.NextTickDue = now + (long)(vm.TickPeriod.TotalSeconds * plugin.Time.TimestampFrequency);
            try
            {
                lock (vm.Gate)
                {
                    if (!vm.Broken)
                    {
                        vm.OnTick();
                    }
                }
            }
            catch (Exception ex) when (WasmVm.IsGuestFailure(ex))
            {
                plugin.ReportFailure(vm, ex);
            }
        }
    }

    private (WasmVm? Vm, string? Error) CreateInstance()
    {
        WasmVm vm;
        try
        {
            vm = new WasmVm(this);
        }
        catch (WasmLoadException ex)
        {
            return (null, ex.Message);
        }

        var error = vm.Start();
        if (error is not null)
        {
            vm.Dispose();
            return (null, error);
        }

        return (vm, null);
    }

    private void ScheduleReplacement(int index, WasmVm? old)
    {
        lock (_slotsGate)
        {
            if (_replacing[index] || !ReferenceEquals(_slots[index], old))
            {
                return;
            }

            _replacing[index] = true;
        }

        _ = Task.Run(() =>
        {
            var (fresh, error) = CreateInstance();
            lock (_slotsGate)
            {
                _replacing[index] = false;
                if (fresh is not null && ReferenceEquals(_slots[index], old))
                {
                    _slots[index] = fresh;
                }
            }

            if (error is not null)
            {
                WasmLog.ReplacementFailed(Logger, Name, error);
            }

            // The old instance is freed by the release of its last request (or, if it has none left, by the GC):
            // freeing it here could race a request that picked it just before the swap.
        });
    }
}
