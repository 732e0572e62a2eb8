namespace Sluice.Filters.Wasm;

/// <summary>
/// Gloo's <c>wasm</c> option (<c>wasm.options.gloo.solo.io.PluginSource</c>): WebAssembly filters built against the
/// proxy-wasm ABI, run in order on a route, a virtual host or a Gateway's <c>httpGateway.options</c>.
/// </summary>
public sealed record WasmOptions
{
    public IReadOnlyList<WasmFilterOptions> Filters { get; init; } = [];
}

/// <summary>One filter: Gloo's <c>WasmFilter</c>, plus Sluice's limits.</summary>
public sealed record WasmFilterOptions
{
    /// <summary>The plugin name (proxy-wasm's <c>plugin_name</c> property), also the name its metrics carry.</summary>
    [RequiredField]
    public string Name { get; init; } = string.Empty;

    /// <summary>A <c>.wasm</c> file on the gateway's disk; a relative path is resolved against the working directory.</summary>
    public string? FilePath { get; init; }

    /// <summary>A <c>.wasm</c> fetched over HTTP(S) once and checked against its SHA-256.</summary>
    public WasmHttpUri? HttpUri { get; init; }

    /// <summary>Gloo's WebAssembly Hub image reference: not supported (the hub is gone); rejected with a clear error.</summary>
    public string? Image { get; init; }

    /// <summary>Which root context of the module serves this filter (proxy-wasm's <c>root_id</c>).</summary>
    public string RootId { get; init; } = string.Empty;

    /// <summary>The plugin configuration handed to <c>proxy_on_configure</c>: a string as is, a structure as JSON.</summary>
    public StructuredValue? Config { get; init; }

    /// <summary>The VM configuration handed to <c>proxy_on_vm_start</c> (Envoy's <c>vm_config.configuration</c>).</summary>
    public StructuredValue? VmConfig { get; init; }

    /// <summary>
    /// What a request gets when the filter cannot run (its instance trapped, ran out of time or memory, or the module
    /// is unavailable): true passes it on as if the filter were absent, false answers 503 (Envoy's <c>fail_open</c>).
    /// </summary>
    public bool FailOpen { get; init; }

    /// <summary>Where in the chain the filter runs; Gloo's default is during the accepted stage (after rate limiting).</summary>
    public WasmFilterStage? FilterStage { get; init; }

    /// <summary>Gloo's runtime choice (V8, WAVM); accepted for compatibility, Sluice always runs Wasmtime.</summary>
    public string? VmType { get; init; }

    /// <summary>Sluice: the most linear memory one instance may grow to (default 64 MiB); beyond it growth fails.</summary>
    public long? MaxMemoryBytes { get; init; }

    /// <summary>Sluice: the longest one call into the filter may run (default 1 s); beyond it the call traps.</summary>
    public TimeSpan? CallTimeout { get; init; }

    /// <summary>Sluice: the most body a filter may buffer (StopIterationAndBuffer) per direction (default 1 MiB).</summary>
    public long? MaxBodyBytes { get; init; }

    /// <summary>Sluice: instances of the module serving requests concurrently (default: processor count, at most 8).</summary>
    public int? Instances { get; init; }
}

/// <summary>Where to fetch a module, with the SHA-256 (hex) its bytes must have.</summary>
public sealed record WasmHttpUri
{
    [RequiredField]
    public string Uri { get; init; } = string.Empty;

    [RequiredField]
    public string Sha256 { get; init; } = string.Empty;
}

/// <summary>Gloo's <c>FilterStage</c>: a stage and whether to run before, during or after it.</summary>
public sealed record WasmFilterStage
{
    public WasmStage Stage { get; init; } = WasmStage.AcceptedStage;

    public WasmStagePredicate Predicate { get; init; } = WasmStagePredicate.During;
}

/// <summary>Gloo's well-known filter stages.</summary>
public enum WasmStage
{
    FaultStage = 0,
    CorsStage = 1,
    WafStage = 2,
    AuthNStage = 3,
    AuthZStage = 4,
    RateLimitStage = 5,
    AcceptedStage = 6,
    OutAuthStage = 7,
    RouteStage = 8,
}

public enum WasmStagePredicate
{
    During = 0,
    Before = 1,
    After = 2,
}
