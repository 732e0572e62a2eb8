namespace Sluice.Filters.Tests.Wasm;

/// <summary>Small proxy-wasm modules in WebAssembly text for the ABI tests.</summary>
internal static class WatModules
{
    public const string Prelude = """
          (memory (export "memory") 2)
          (global $heap (mut i32) (i32.const 8192))
          (func $malloc (export "malloc") (param $size i32) (result i32)
            (local $p i32)
            (local.set $p (global.get $heap))
            (global.set $heap (i32.and (i32.add (i32.add (global.get $heap) (local.get $size)) (i32.const 7)) (i32.const -8)))
            (local.get $p))
          (func (export "proxy_on_context_create") (param i32 i32))
          (func (export "proxy_on_done") (param i32) (result i32) (i32.const 1))
          (func (export "proxy_on_log") (param i32))
          (func (export "proxy_on_delete") (param i32))
        """;

    /// <summary>Logs the serialized request header map it gets, so a test can check the bytes' layout.</summary>
    public const string LogsHeaderPairs = """
        (module
          (import "env" "proxy_get_header_map_pairs" (func $pairs (param i32 i32 i32) (result i32)))
          (import "env" "proxy_log" (func $log (param i32 i32 i32) (result i32)))
        """ + Prelude + """
          (func (export "proxy_abi_version_0_2_1"))
          (func (export "proxy_on_request_headers") (param i32 i32 i32) (result i32)
            (drop (call $pairs (i32.const 0) (i32.const 8) (i32.const 12)))
            (drop (call $log (i32.const 2) (i32.load (i32.const 8)) (i32.load (i32.const 12))))
            (i32.const 0))
        )
        """;

    /// <summary>Logs the properties plugin_root_id, request.path and source.address, NUL-separated paths as SDKs send them.</summary>
    public const string LogsProperties = """
        (module
          (import "env" "proxy_get_property" (func $property (param i32 i32 i32 i32) (result i32)))
          (import "env" "proxy_log" (func $log (param i32 i32 i32) (result i32)))
        """ + Prelude + """
          (data (i32.const 100) "plugin_root_id")
          (data (i32.const 120) "request\00path")
          (data (i32.const 140) "response\00code")
          (func $show (param $ptr i32) (param $len i32)
            (if (i32.eqz (call $property (local.get $ptr) (local.get $len) (i32.const 8) (i32.const 12)))
              (then (drop (call $log (i32.const 2) (i32.load (i32.const 8)) (i32.load (i32.const 12)))))
              (else (drop (call $log (i32.const 2) (i32.const 0) (i32.const 0))))))
          (func (export "proxy_abi_version_0_2_0"))
          (func (export "proxy_on_request_headers") (param i32 i32 i32) (result i32)
            (call $show (i32.const 100) (i32.const 14))
            (call $show (i32.const 120) (i32.const 12))
            (call $show (i32.const 140) (i32.const 13))
            (i32.const 0))
        )
        """;

    /// <summary>An ABI 0.1.0 filter (two-parameter header callbacks) that adds <c>x-abi: 010</c> to the request.</summary>
    public const string Abi010 = """
        (module
          (import "env" "proxy_add_header_map_value" (func $add (param i32 i32 i32 i32 i32) (result i32)))
        """ + Prelude + """
          (data (i32.const 100) "x-abi")
          (data (i32.const 110) "010")
          (func (export "proxy_abi_version_0_1_0"))
          (func (export "proxy_on_request_headers") (param i32 i32) (result i32)
            (drop (call $add (i32.const 0) (i32.const 100) (i32.const 5) (i32.const 110) (i32.const 3)))
            (i32.const 0))
        )
        """;

    /// <summary>
    /// Imports a proxy-wasm name no host has, WASI under both module names, and Rust-style proc_exit; calls the unknown
    /// one and writes its result code as a header (<c>x-result</c>).
    /// </summary>
    public const string ImportsEverything = """
        (module
          (import "env" "proxy_some_future_call" (func $future (param i32) (result i32)))
          (import "env" "proxy_add_header_map_value" (func $add (param i32 i32 i32 i32 i32) (result i32)))
          (import "wasi_snapshot_preview1" "fd_write" (func $fd_write (param i32 i32 i32 i32) (result i32)))
          (import "wasi_unstable" "clock_time_get" (func $clock (param i32 i64 i32) (result i32)))
          (import "wasi_snapshot_preview1" "random_get" (func $random (param i32 i32) (result i32)))
          (import "wasi_snapshot_preview1" "proc_exit" (func $exit (param i32)))
          (import "wasi_snapshot_preview1" "environ_sizes_get" (func $env_sizes (param i32 i32) (result i32)))
        """ + Prelude + """
          (data (i32.const 100) "x-result")
          (data (i32.const 120) "hello stdout\n")
          (func (export "proxy_abi_version_0_2_1"))
          (func (export "proxy_on_request_headers") (param i32 i32 i32) (result i32)
            ;; The result's two decimal digits: tens at 200, ones at 201.
            (i32.store8 (i32.const 200) (i32.add (i32.const 48) (i32.div_u (call $future (i32.const 0)) (i32.const 10))))
            (i32.store8 (i32.const 201) (i32.add (i32.const 48) (i32.rem_u (call $future (i32.const 0)) (i32.const 10))))
            (drop (call $add (i32.const 0) (i32.const 100) (i32.const 8) (i32.const 200) (i32.const 2)))
            ;; One iovec at 300: pointer 120, length 13.
            (i32.store (i32.const 300) (i32.const 120))
            (i32.store (i32.const 304) (i32.const 13))
            (drop (call $fd_write (i32.const 1) (i32.const 300) (i32.const 1) (i32.const 310)))
            (drop (call $clock (i32.const 0) (i64.const 1) (i32.const 320)))
            (drop (call $random (i32.const 400) (i32.const 16)))
            (drop (call $env_sizes (i32.const 330) (i32.const 334)))
            (i32.const 0))
        )
        """;

    /// <summary>Counts requests in a counter metric and sets a 10 ms tick whose handler counts ticks in another.</summary>
    public const string MetricsAndTicks = """
        (module
          (import "env" "proxy_define_metric" (func $define (param i32 i32 i32 i32) (result i32)))
          (import "env" "proxy_increment_metric" (func $increment (param i32 i64) (result i32)))
          (import "env" "proxy_set_tick_period_milliseconds" (func $tick_period (param i32) (result i32)))
        """ + Prelude + """
          (data (i32.const 100) "unit_requests")
          (data (i32.const 120) "unit_ticks")
          (func (export "proxy_abi_version_0_2_1"))
          (func (export "proxy_on_configure") (param i32 i32) (result i32)
            (drop (call $define (i32.const 0) (i32.const 100) (i32.const 13) (i32.const 16)))
            (drop (call $define (i32.const 0) (i32.const 120) (i32.const 10) (i32.const 20)))
            (drop (call $tick_period (i32.const 10)))
            (i32.const 1))
          (func (export "proxy_on_tick") (param i32)
            (drop (call $increment (i32.load (i32.const 20)) (i64.const 1))))
          (func (export "proxy_on_request_headers") (param i32 i32 i32) (result i32)
            (drop (call $increment (i32.load (i32.const 16)) (i64.const 1)))
            (i32.const 0))
        )
        """;

    /// <summary>Buffers the request body and, at its end, appends "!" to it.</summary>
    public const string RequestBodyAppend = """
        (module
          (import "env" "proxy_set_buffer_bytes" (func $set (param i32 i32 i32 i32 i32) (result i32)))
        """ + Prelude + """
          (data (i32.const 100) "!")
          (func (export "proxy_abi_version_0_2_1"))
          (func (export "proxy_on_request_body") (param $ctx i32) (param $size i32) (param $eos i32) (result i32)
            (if (i32.eqz (local.get $eos)) (then (return (i32.const 1))))
            (drop (call $set (i32.const 0) (local.get $size) (i32.const 0) (i32.const 100) (i32.const 1)))
            (i32.const 0))
        )
        """;
}
