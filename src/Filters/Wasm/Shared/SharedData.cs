using Sluice.Filters.Wasm.Abi;

namespace Sluice.Filters.Wasm.Shared;

/// <summary>
/// proxy-wasm shared data: a key-value store every instance in the process sees, with Envoy's compare-and-swap
/// (a non-zero cas must match the entry's current one). Keys are scoped by VM id, as in Envoy.
/// </summary>
internal static class SharedData
{
    private static readonly Dictionary<(string VmId, string Key), (byte[] Value, uint Cas)> Entries = [];
    private static readonly Lock Gate = new();
    private static uint _nextCas;

    public static bool TryGet(string vmId, string key, out byte[] value, out uint cas)
    {
        lock (Gate)
        {
            if (Entries.TryGetValue((vmId, key), out var entry))
            {
                (value, cas) = entry;
                return true;
            }
        }

        value = [];
        cas = 0;
        return false;
    }

    public static WasmResult Set(string vmId, string key, byte[] value, uint cas)
    {
        lock (Gate)
        {
            if (cas != 0 && Entries.TryGetValue((vmId, key), out var entry) && entry.Cas != cas)
            {
                return WasmResult.CasMismatch;
            }

            if (++_nextCas == 0)
            {
                _nextCas = 1;
            }

            Entries[(vmId, key)] = (value, _nextCas);
            return WasmResult.Ok;
        }
    }
}

/// <summary>
/// proxy-wasm shared queues: registered by name within a VM id, enqueued from any instance, and the registering
/// plugin's root context told with <c>proxy_on_queue_ready</c>.
/// </summary>
internal static class SharedQueues
{
    private const int MaxQueued = 10_000;
    private static readonly Dictionary<(string VmId, string Name), int> Ids = [];
    private static readonly Dictionary<int, Queue> ById = [];
    private static readonly Lock Gate = new();

    public static int Register(string vmId, string name, Action<int> onReady)
    {
        lock (Gate)
        {
            if (!Ids.TryGetValue((vmId, name), out var id))
            {
                id = Ids.Count + 1;
                Ids[(vmId, name)] = id;
                ById[id] = new Queue();
            }

            ById[id].OnReady = onReady;
            return id;
        }
    }

    public static int? Resolve(string vmId, string name)
    {
        lock (Gate)
        {
            return Ids.TryGetValue((vmId, name), out var id) ? id : null;
        }
    }

    public static WasmResult Enqueue(int id, byte[] value)
    {
        Action<int>? notify;
        lock (Gate)
        {
            if (!ById.TryGetValue(id, out var queue))
            {
                return WasmResult.NotFound;
            }

            if (queue.Items.Count >= MaxQueued)
            {
                return WasmResult.InternalFailure;
            }

            queue.Items.Enqueue(value);
            notify = queue.OnReady;
        }

        if (notify is not null)
        {
            ThreadPool.UnsafeQueueUserWorkItem(static state => state.Notify(state.Id), (Notify: notify, Id: id), preferLocal: false);
        }

        return WasmResult.Ok;
    }

    public static WasmResult Dequeue(int id, out byte[] value)
    {
        lock (Gate)
        {
            value = [];
            if (!ById.TryGetValue(id, out var queue))
            {
                return WasmResult.NotFound;
            }

            if (!queue.Items.TryDequeue(out var item))
            {
                return WasmResult.Empty;
            }

            value = item;
            return WasmResult.Ok;
        }
    }

    private sealed class Queue
    {
        public Queue<byte[]> Items { get; } = new();

        public Action<int>? OnReady { get; set; }
    }
}
