using Sluice.Filters.Wasm.Abi;
using Sluice.Filters.Wasm.Shared;

namespace Sluice.Filters.Wasm.Runtime;

/// <summary>Shared data, shared queues and metrics: process-wide state reached from any instance.</summary>
internal sealed partial class WasmVm
{
    internal WasmResult GetSharedData(int keyPointer, int keySize, int valuePointerPointer, int valueSizePointer, int casPointer)
    {
        if (!SharedData.TryGet(Plugin.VmId, String(keyPointer, keySize), out var value, out var cas))
        {
            return WasmResult.NotFound;
        }

        CopyOut(value, valuePointerPointer, valueSizePointer);
        WriteU32(casPointer, cas);
        return WasmResult.Ok;
    }

    internal WasmResult SetSharedData(int keyPointer, int keySize, int valuePointer, int valueSize, int cas) =>
        SharedData.Set(Plugin.VmId, String(keyPointer, keySize), Bytes(valuePointer, valueSize).ToArray(), (uint)cas);

    internal WasmResult RegisterSharedQueue(int namePointer, int nameSize, int idPointer)
    {
        var id = SharedQueues.Register(Plugin.VmId, String(namePointer, nameSize), Plugin.OnQueueReady);
        WriteU32(idPointer, (uint)id);
        return WasmResult.Ok;
    }

    internal WasmResult ResolveSharedQueue(int vmIdPointer, int vmIdSize, int namePointer, int nameSize, int idPointer)
    {
        var vmId = String(vmIdPointer, vmIdSize);
        if (SharedQueues.Resolve(vmId, String(namePointer, nameSize)) is not { } id)
        {
            return WasmResult.NotFound;
        }

        WriteU32(idPointer, (uint)id);
        return WasmResult.Ok;
    }

    internal WasmResult DequeueSharedQueue(int id, int valuePointerPointer, int valueSizePointer)
    {
        var result = SharedQueues.Dequeue(id, out var value);
        return result == WasmResult.Ok ? CopyOut(value, valuePointerPointer, valueSizePointer) : result;
    }

    internal WasmResult EnqueueSharedQueue(int id, int valuePointer, int valueSize) =>
        SharedQueues.Enqueue(id, Bytes(valuePointer, valueSize).ToArray());

    internal WasmResult DefineMetric(int type, int namePointer, int nameSize, int idPointer)
    {
        if (type is < 0 or > 2)
        {
            return WasmResult.BadArgument;
        }

        WriteU32(idPointer, (uint)WasmMetrics.Define((MetricType)type, String(namePointer, nameSize)));
        return WasmResult.Ok;
    }

    internal WasmResult GetMetric(int id, int valuePointer)
    {
        if (!WasmMetrics.TryGet(id, out var value))
        {
            return WasmResult.NotFound;
        }

        WriteU64(valuePointer, (ulong)value);
        return WasmResult.Ok;
    }
}
