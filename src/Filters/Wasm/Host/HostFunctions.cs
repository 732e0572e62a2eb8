using Sluice.Filters.Wasm.Abi;
using Sluice.Filters.Wasm.Runtime;
using Wasmtime;

namespace Sluice.Filters.Wasm.Host;

/// <summary>
/// Every function the proxy-wasm ABI (0.2.1, 0.2.0 and 0.1.0's names) and WASI offer a filter, defined once in the
/// engine's linker. Each reads the calling instance from the store's data. A module that imports a name or a signature
/// defined nowhere here still instantiates: <see cref="LinkerFor"/> gives it a stub (Unimplemented for proxy-wasm
/// names, a trap otherwise), so filters built with any SDK load, as in Envoy.
/// </summary>
internal static partial class HostFunctions
{
    private static readonly Dictionary<string, (ValueKind[] Parameters, ValueKind[] Results)> Signatures = new(StringComparer.Ordinal);

    private delegate WasmResult HostCall(WasmVm vm, ReadOnlySpan<ValueBox> a);

    public static void Define(Linker linker)
    {
        Env(linker, "proxy_log", "iii", static (vm, a) => vm.Log(I(a, 0), I(a, 1), I(a, 2)));
        Env(linker, "proxy_get_log_level", "i", static (vm, a) => vm.GetLogLevel(I(a, 0)));
        Env(linker, "proxy_set_effective_context", "i", static (vm, a) => vm.SetEffectiveContext(I(a, 0)));
        Env(linker, "proxy_continue_stream", "i", static (vm, a) => vm.ContinueStream(I(a, 0)));
        Env(linker, "proxy_close_stream", "i", static (vm, a) => vm.CloseStream(I(a, 0)));
        Env(linker, "proxy_continue_request", string.Empty, static (vm, a) => vm.ContinueStream((int)StreamType.HttpRequest));
        Env(linker, "proxy_continue_response", string.Empty, static (vm, a) => vm.ContinueStream((int)StreamType.HttpResponse));
        Env(linker, "proxy_clear_route_cache", string.Empty, static (vm, a) => WasmResult.Ok);
        Env(linker, "proxy_get_configuration", "ii", static (vm, a) => vm.GetConfiguration(I(a, 0), I(a, 1)));
        Env(linker, "proxy_send_local_response", "iiiiiiii", static (vm, a) => vm.SendLocalResponse(I(a, 0), I(a, 1), I(a, 2), I(a, 3), I(a, 4), I(a, 5), I(a, 6)));
        Env(linker, "proxy_get_current_time_nanoseconds", "i", static (vm, a) => vm.GetCurrentTime(I(a, 0)));
        Env(linker, "proxy_set_tick_period_milliseconds", "i", static (vm, a) => vm.SetTickPeriod(I(a, 0)));
        Env(linker, "proxy_done", string.Empty, static (vm, a) => vm.Done());
        Env(linker, "proxy_get_status", "iii", static (vm, a) => WasmResult.NotFound);

        Env(linker, "proxy_get_header_map_value", "iiiii", static (vm, a) => vm.GetHeaderMapValue(I(a, 0), I(a, 1), I(a, 2), I(a, 3), I(a, 4)));
        Env(linker, "proxy_add_header_map_value", "iiiii", static (vm, a) => vm.AddHeaderMapValue(I(a, 0), I(a, 1), I(a, 2), I(a, 3), I(a, 4)));
        Env(linker, "proxy_replace_header_map_value", "iiiii", static (vm, a) => vm.ReplaceHeaderMapValue(I(a, 0), I(a, 1), I(a, 2), I(a, 3), I(a, 4)));
        Env(linker, "proxy_remove_header_map_value", "iii", static (vm, a) => vm.RemoveHeaderMapValue(I(a, 0), I(a, 1), I(a, 2)));
        Env(linker, "proxy_get_header_map_pairs", "iii", static (vm, a) => vm.GetHeaderMapPairs(I(a, 0), I(a, 1), I(a, 2)));
        Env(linker, "proxy_set_header_map_pairs", "iii", static (vm, a) => vm.SetHeaderMapPairs(I(a, 0), I(a, 1), I(a, 2)));
        Env(linker, "proxy_get_header_map_size", "ii", static (vm, a) => vm.GetHeaderMapSize(I(a, 0), I(a, 1)));

        Env(linker, "proxy_get_buffer_bytes", "iiiii", static (vm, a) => vm.GetBufferBytes(I(a, 0), I(a, 1), I(a, 2), I(a, 3), I(a, 4)));
        Env(linker, "proxy_get_buffer_status", "iii", static (vm, a) => vm.GetBufferStatus(I(a, 0), I(a, 1), I(a, 2)));
        Env(linker, "proxy_set_buffer_bytes", "iiiii", static (vm, a) => vm.SetBufferBytes(I(a, 0), I(a, 1), I(a, 2), I(a, 3), I(a, 4)));

        Env(linker, "proxy_get_property", "iiii", static (vm, a) => vm.GetProperty(I(a, 0), I(a, 1), I(a, 2), I(a, 3)));
        Env(linker, "proxy_set_property", "iiii", static (vm, a) => vm.SetProperty(I(a, 0), I(a, 1), I(a, 2), I(a, 3)));

        Env(linker, "proxy_http_call", "iiiiiiiiii", static (vm, a) => vm.HttpCall(I(a, 0), I(a, 1), I(a, 2), I(a, 3), I(a, 4), I(a, 5), I(a, 6), I(a, 7), I(a, 8), I(a, 9)));
        Env(linker, "proxy_grpc_call", "iiiiiiiiiiii", static (vm, a) => WasmResult.Unimplemented);
        Env(linker, "proxy_grpc_stream", "iiiiiiiii", static (vm, a) => WasmResult.Unimplemented);
        Env(linker, "proxy_grpc_send", "iiii", static (vm, a) => WasmResult.NotFound);
        Env(linker, "proxy_grpc_cancel", "i", static (vm, a) => WasmResult.NotFound);
        Env(linker, "proxy_grpc_close", "i", static (vm, a) => WasmResult.NotFound);
        Env(linker, "proxy_call_foreign_function", "iiiiii", static (vm, a) => WasmResult.NotFound);

        Env(linker, "proxy_get_shared_data", "iiiii", static (vm, a) => vm.GetSharedData(I(a, 0), I(a, 1), I(a, 2), I(a, 3), I(a, 4)));
        Env(linker, "proxy_set_shared_data", "iiiii", static (vm, a) => vm.SetSharedData(I(a, 0), I(a, 1), I(a, 2), I(a, 3), I(a, 4)));
        Env(linker, "proxy_register_shared_queue", "iii", static (vm, a) => vm.RegisterSharedQueue(I(a, 0), I(a, 1), I(a, 2)));
        Env(linker, "proxy_resolve_shared_queue", "iiiii", static (vm, a) => vm.ResolveSharedQueue(I(a, 0), I(a, 1), I(a, 2), I(a, 3), I(a, 4)));
        Env(linker, "proxy_dequeue_shared_queue", "iii", static (vm, a) => vm.DequeueSharedQueue(I(a, 0), I(a, 1), I(a, 2)));
        Env(linker, "proxy_enqueue_shared_queue", "iii", static (vm, a) => vm.EnqueueSharedQueue(I(a, 0), I(a, 1), I(a, 2)));

        Env(linker, "proxy_define_metric", "iiii", static (vm, a) => vm.DefineMetric(I(a, 0), I(a, 1), I(a, 2), I(a, 3)));
        Env(linker, "proxy_increment_metric", "iI", static (vm, a) => Shared.WasmMetrics.Increment(I(a, 0), a[1].AsInt64()));
        Env(linker, "proxy_record_metric", "iI", static (vm, a) => Shared.WasmMetrics.Record(I(a, 0), a[1].AsInt64()));
        Env(linker, "proxy_get_metric", "ii", static (vm, a) => vm.GetMetric(I(a, 0), I(a, 1)));

        // AssemblyScript's abort and Emscripten's growth notice.
        Define(linker, "env", "abort", "iiii", string.Empty, static (caller, a, r) => throw new GuestExitException("the filter aborted"));
        Define(linker, "env", "emscripten_notify_memory_growth", "i", string.Empty, static (caller, a, r) => { });

        DefineWasi(linker, "wasi_snapshot_preview1");
        DefineWasi(linker, "wasi_unstable");
    }

    /// <summary>
    /// The engine's linker when it satisfies every import of <paramref name="module"/>; otherwise a copy with stubs for
    /// the names (or signatures) it lacks.
    /// </summary>
    public static Linker LinkerFor(Linker shared, Module module)
    {
        Linker? own = null;
        foreach (var import in module.Imports)
        {
            if (import is not FunctionImport function)
            {
                continue;
            }

            var parameters = function.Parameters.ToArray();
            var results = function.Results.ToArray();
            if (Signatures.TryGetValue(import.ModuleName + "\0" + import.Name, out var known) &&
                known.Parameters.AsSpan().SequenceEqual(parameters) && known.Results.AsSpan().SequenceEqual(results))
            {
                continue;
            }

            own ??= CloneOf(shared);
            var proxyName = import.ModuleName == "env" && import.Name.StartsWith("proxy_", StringComparison.Ordinal);
            var name = import.Name;
            own.DefineFunction(import.ModuleName, import.Name, (caller, a, r) =>
            {
                if (!proxyName)
                {
                    throw new GuestExitException($"the filter called '{name}', which this host does not provide");
                }

                for (var i = 0; i < r.Length; i++)
                {
                    r[i] = results[i] == ValueKind.Int64 ? (ValueBox)(long)WasmResult.Unimplemented : (ValueBox)(int)WasmResult.Unimplemented;
                }
            }, parameters, results);
        }

        return own ?? shared;
    }

    private static Linker CloneOf(Linker shared)
    {
        var clone = shared.Clone();
        clone.AllowShadowing = true;
        return clone;
    }

    private static int I(ReadOnlySpan<ValueBox> a, int index) => a[index].AsInt32();

    private static void Env(Linker linker, string name, string parameters, HostCall call) =>
        Define(linker, "env", name, parameters, "i", (caller, a, r) => r[0] = Invoke(caller, a, call));

    private static int Invoke(Caller caller, ReadOnlySpan<ValueBox> arguments, HostCall call)
    {
        var vm = (WasmVm)caller.GetData()!;
        try
        {
            return (int)call(vm, arguments);
        }
        catch (GuestMemoryException)
        {
            return (int)WasmResult.InvalidMemoryAccess;
        }
    }

    private static void Define(Linker linker, string module, string name, string parameters, string results, Function.UntypedCallbackDelegate callback)
    {
        var parameterKinds = Kinds(parameters);
        var resultKinds = Kinds(results);
        linker.DefineFunction(module, name, callback, parameterKinds, resultKinds);
        Signatures[module + "\0" + name] = (parameterKinds, resultKinds);
    }

    private static ValueKind[] Kinds(string signature)
    {
        var kinds = new ValueKind[signature.Length];
        for (var i = 0; i < signature.Length; i++)
        {
            kinds[i] = signature[i] == 'I' ? ValueKind.Int64 : ValueKind.Int32;
        }

        return kinds;
    }
}
