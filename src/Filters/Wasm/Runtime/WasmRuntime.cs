using System.Collections.Concurrent;
using System.Security.Cryptography;
using Sluice.Filters.Wasm.Abi;
using Sluice.Filters.Wasm.Host;
using Wasmtime;

namespace Sluice.Filters.Wasm.Runtime;

/// <summary>
/// The process's one Wasmtime engine: compiled modules cached by the SHA-256 of their bytes, the host functions
/// (proxy-wasm and WASI) defined once in a shared linker, and the epoch clock that bounds how long a call may run.
/// Epoch interruption costs a load and compare per loop back-edge, far less than fuel metering.
/// </summary>
internal sealed class WasmRuntime
{
    /// <summary>How often the epoch advances; call timeouts are counted in these ticks.</summary>
    public static readonly TimeSpan EpochInterval = TimeSpan.FromMilliseconds(5);

    private readonly ConcurrentDictionary<string, Lazy<WasmModule>> _modules = new(StringComparer.Ordinal);
    private readonly Timer _epoch;

    private WasmRuntime()
    {
        using var config = new Config()
            .WithEpochInterruption(true)
            .WithOptimizationLevel(OptimizationLevel.Speed);
        Engine = new Engine(config);
        Linker = new Linker(Engine) { AllowShadowing = true };
        HostFunctions.Define(Linker);
        _epoch = new Timer(static state => ((Engine)state!).IncrementEpoch(), Engine, EpochInterval, EpochInterval);
    }

    public static WasmRuntime Shared { get; } = new();

    public Engine Engine { get; }

    public Linker Linker { get; }

    public static string Sha256Hex(ReadOnlySpan<byte> bytes) => Convert.ToHexStringLower(SHA256.HashData(bytes));

    /// <summary>
    /// The compiled module for these bytes, compiled once per distinct content. Throws <see cref="WasmLoadException"/>
    /// with a reason a user can act on when the bytes are not a module or carry no proxy-wasm ABI marker.
    /// </summary>
    public WasmModule GetOrCompile(byte[] bytes, string? sha256 = null)
    {
        var key = sha256 ?? Sha256Hex(bytes);
        var lazy = _modules.GetOrAdd(key, k => new Lazy<WasmModule>(() => Compile(k, bytes), LazyThreadSafetyMode.ExecutionAndPublication));
        try
        {
            return lazy.Value;
        }
        catch
        {
            // A failure is not cached: the same bytes fail fast again, and a module that failed for a transient reason may load.
            _modules.TryRemove(new KeyValuePair<string, Lazy<WasmModule>>(key, lazy));
            throw;
        }
    }

    public bool TryGetCached(string sha256, out WasmModule module)
    {
        if (_modules.TryGetValue(sha256, out var lazy) && lazy.IsValueCreated)
        {
            module = lazy.Value;
            return true;
        }

        module = null!;
        return false;
    }

    private WasmModule Compile(string sha256, byte[] bytes)
    {
        Module module;
        try
        {
            module = IsText(bytes)
                ? Module.FromText(Engine, "filter", System.Text.Encoding.UTF8.GetString(bytes))
                : Module.FromBytes(Engine, "filter", bytes);
        }
        catch (WasmtimeException ex)
        {
            throw new WasmLoadException($"not a valid WebAssembly module: {FirstLine(ex.Message)}");
        }

        AbiVersion? abi = null;
        foreach (var export in module.Exports)
        {
            abi = export.Name switch
            {
                "proxy_abi_version_0_2_1" => AbiVersion.V0_2_1,
                "proxy_abi_version_0_2_0" when abi is not AbiVersion.V0_2_1 => AbiVersion.V0_2_0,
                "proxy_abi_version_0_1_0" when abi is null => AbiVersion.V0_1_0,
                _ => abi,
            };
        }

        if (abi is null)
        {
            module.Dispose();
            throw new WasmLoadException("the module exports no proxy-wasm ABI version marker (proxy_abi_version_0_2_1, proxy_abi_version_0_2_0 or proxy_abi_version_0_1_0); build it with a proxy-wasm SDK");
        }

        var linker = HostFunctions.LinkerFor(Linker, module);
        return new WasmModule(sha256, module, linker, abi.Value);
    }

    private static bool IsText(byte[] bytes)
    {
        foreach (var b in bytes)
        {
            if (b is (byte)' ' or (byte)'\t' or (byte)'\r' or (byte)'\n')
            {
                continue;
            }

            return b == (byte)'(' || b == (byte)';';
        }

        return false;
    }

    internal static string FirstLine(string message)
    {
        var newline = message.IndexOf('\n', StringComparison.Ordinal);
        return newline < 0 ? message : message[..newline];
    }
}

/// <summary>A module compiled once, with the linker that satisfies its imports and its ABI version.</summary>
internal sealed record WasmModule(string Sha256, Module Module, Linker Linker, AbiVersion Abi);

/// <summary>A module that cannot be used, with the reason written for whoever configured it.</summary>
internal sealed class WasmLoadException(string message) : Exception(message);
