namespace Sluice.EndToEnd.Tests.Wasm;

/// <summary>
/// Hand-written proxy-wasm filters in WebAssembly text (Wasmtime compiles WAT directly). Each keeps a bump allocator
/// reset at the start of every callback, since what the host hands a callback lives only for that callback.
/// </summary>
internal static class WatFilters
{
    private const string Prelude = """
          (import "env" "proxy_log" (func $log (param i32 i32 i32) (result i32)))
          (import "env" "proxy_get_buffer_bytes" (func $get_buffer_bytes (param i32 i32 i32 i32 i32) (result i32)))
          (import "env" "proxy_set_buffer_bytes" (func $set_buffer_bytes (param i32 i32 i32 i32 i32) (result i32)))
          (import "env" "proxy_add_header_map_value" (func $add_header (param i32 i32 i32 i32 i32) (result i32)))
          (import "env" "proxy_remove_header_map_value" (func $remove_header (param i32 i32 i32) (result i32)))
          (import "env" "proxy_replace_header_map_value" (func $replace_header (param i32 i32 i32 i32 i32) (result i32)))
          (import "env" "proxy_get_header_map_value" (func $get_header (param i32 i32 i32 i32 i32) (result i32)))
          (import "env" "proxy_send_local_response" (func $send_local (param i32 i32 i32 i32 i32 i32 i32 i32) (result i32)))
          (memory (export "memory") 2)
          (global $heap (mut i32) (i32.const 8192))
          (global $config_len (mut i32) (i32.const 0))
          (func (export "proxy_abi_version_0_2_1"))
          (func $malloc (export "malloc") (param $size i32) (result i32)
            (local $p i32)
            (local.set $p (global.get $heap))
            (global.set $heap (i32.and (i32.add (i32.add (global.get $heap) (local.get $size)) (i32.const 7)) (i32.const -8)))
            (if (i32.gt_u (global.get $heap) (i32.mul (memory.size) (i32.const 65536)))
              (then (drop (memory.grow (i32.add (i32.div_u (local.get $size) (i32.const 65536)) (i32.const 1))))))
            (local.get $p))
          (func (export "proxy_on_context_create") (param i32 i32))
          (func (export "proxy_on_vm_start") (param i32 i32) (result i32) (i32.const 1))
          ;; Keeps the plugin configuration at 1024 (up to 3 KiB).
          (func (export "proxy_on_configure") (param $root i32) (param $size i32) (result i32)
            (global.set $config_len (i32.const 0))
            (if (i32.gt_u (local.get $size) (i32.const 0))
              (then
                (drop (call $get_buffer_bytes (i32.const 7) (i32.const 0) (local.get $size) (i32.const 8) (i32.const 12)))
                (global.set $config_len (i32.load (i32.const 12)))
                (memory.copy (i32.const 1024) (i32.load (i32.const 8)) (global.get $config_len))))
            (i32.const 1))
          (func (export "proxy_on_done") (param i32) (result i32) (i32.const 1))
          (func (export "proxy_on_log") (param i32))
          (func (export "proxy_on_delete") (param i32))
        """;

    /// <summary>
    /// Request: 403 "denied by wasm" when <c>x-deny</c> is present; otherwise adds <c>x-wasm-request: yes</c>, removes
    /// <c>x-remove-me</c>, and rewrites a path starting with <c>/rewrite</c> to <c>/rewritten</c>. Response: adds
    /// <c>x-wasm-response</c> with the plugin configuration and removes <c>x-upstream-secret</c>.
    /// </summary>
    public const string Headers = "(module\n" + Prelude + """
          (data (i32.const 16) "x-wasm-request")
          (data (i32.const 32) "yes")
          (data (i32.const 48) "x-remove-me")
          (data (i32.const 64) "x-wasm-response")
          (data (i32.const 80) "x-upstream-secret")
          (data (i32.const 112) "x-deny")
          (data (i32.const 128) "denied by wasm\n")
          (data (i32.const 160) ":path")
          (data (i32.const 176) "/rewritten")
          (data (i32.const 192) "/rewrite")
          (func (export "proxy_on_request_headers") (param $ctx i32) (param $n i32) (param $eos i32) (result i32)
            (global.set $heap (i32.const 8192))
            (if (i32.eqz (call $get_header (i32.const 0) (i32.const 112) (i32.const 6) (i32.const 8) (i32.const 12)))
              (then
                (drop (call $send_local (i32.const 403) (i32.const 0) (i32.const 0) (i32.const 128) (i32.const 15) (i32.const 0) (i32.const 0) (i32.const -1)))
                (return (i32.const 1))))
            (drop (call $add_header (i32.const 0) (i32.const 16) (i32.const 14) (i32.const 32) (i32.const 3)))
            (drop (call $remove_header (i32.const 0) (i32.const 48) (i32.const 11)))
            (drop (call $get_header (i32.const 0) (i32.const 160) (i32.const 5) (i32.const 8) (i32.const 12)))
            (if (i32.ge_u (i32.load (i32.const 12)) (i32.const 8))
              (then
                (if (i64.eq (i64.load (i32.load (i32.const 8))) (i64.load (i32.const 192)))
                  (then (drop (call $replace_header (i32.const 0) (i32.const 160) (i32.const 5) (i32.const 176) (i32.const 10)))))))
            (i32.const 0))
          (func (export "proxy_on_response_headers") (param $ctx i32) (param $n i32) (param $eos i32) (result i32)
            (global.set $heap (i32.const 8192))
            (drop (call $add_header (i32.const 2) (i32.const 64) (i32.const 15) (i32.const 1024) (global.get $config_len)))
            (drop (call $remove_header (i32.const 2) (i32.const 80) (i32.const 17)))
            (i32.const 0))
        )
        """;

    /// <summary>Buffers the whole response body (StopIterationAndBuffer) and replaces it, at its end, with the configuration.</summary>
    public const string BodyRewrite = "(module\n" + Prelude + """
          (data (i32.const 16) "content-length")
          (func (export "proxy_on_response_headers") (param $ctx i32) (param $n i32) (param $eos i32) (result i32)
            (drop (call $remove_header (i32.const 2) (i32.const 16) (i32.const 14)))
            (i32.const 0))
          (func (export "proxy_on_response_body") (param $ctx i32) (param $size i32) (param $eos i32) (result i32)
            (if (i32.eqz (local.get $eos)) (then (return (i32.const 1))))
            (drop (call $set_buffer_bytes (i32.const 1) (i32.const 0) (local.get $size) (i32.const 1024) (global.get $config_len)))
            (i32.const 0))
        )
        """;

    /// <summary>Traps (unreachable) on every request.</summary>
    public const string Trap = "(module\n" + Prelude + """
          (func (export "proxy_on_request_headers") (param i32 i32 i32) (result i32)
            unreachable)
        )
        """;

    /// <summary>Grows its memory by one 64 KiB page per request and reports the size in <c>x-memory-pages</c>.</summary>
    public const string GrowMemory = "(module\n" + Prelude + """
          (data (i32.const 16) "x-memory-pages")
          (func (export "proxy_on_request_headers") (param i32 i32 i32) (result i32)
            (if (i32.lt_s (memory.grow (i32.const 1)) (i32.const 0)) (then unreachable))
            (i32.const 0))
          (func (export "proxy_on_response_headers") (param i32 i32 i32) (result i32)
            (local $pages i32)
            (local $digits i32)
            (local.set $pages (memory.size))
            ;; Three decimal digits at 32..34.
            (i32.store8 (i32.const 32) (i32.add (i32.const 48) (i32.div_u (local.get $pages) (i32.const 100))))
            (i32.store8 (i32.const 33) (i32.add (i32.const 48) (i32.rem_u (i32.div_u (local.get $pages) (i32.const 10)) (i32.const 10))))
            (i32.store8 (i32.const 34) (i32.add (i32.const 48) (i32.rem_u (local.get $pages) (i32.const 10))))
            (drop (call $add_header (i32.const 2) (i32.const 16) (i32.const 14) (i32.const 32) (i32.const 3)))
            (i32.const 0))
        )
        """;

    /// <summary>Refuses any configuration (proxy_on_configure returns false).</summary>
    public const string RejectsConfig = """
        (module
          (memory (export "memory") 1)
          (func (export "proxy_abi_version_0_2_0"))
          (func (export "proxy_on_configure") (param i32 i32) (result i32) (i32.const 0))
        )
        """;

    /// <summary>A module without any proxy_abi_version marker.</summary>
    public const string NoAbi = """
        (module
          (memory (export "memory") 1)
          (func (export "proxy_on_configure") (param i32 i32) (result i32) (i32.const 1))
        )
        """;
}
