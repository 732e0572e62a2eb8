using BenchmarkDotNet.Attributes;
using Microsoft.AspNetCore.Http;
using Sluice.Filters;
using Sluice.Filters.Wasm;

namespace Sluice.Benchmarks;

/// <summary>
/// The per-request cost of a proxy-wasm filter on the request path: both sides of one request through the compiled
/// filter (context create, request headers, response headers, log, done, delete) against the same exchange with no
/// filter. Run with <c>dotnet run -c Release -- --filter '*Wasm*' --job short</c>.
/// </summary>
[MemoryDiagnoser]
public class WasmFilterBenchmarks
{
    private const string Prelude = """
          (memory (export "memory") 2)
          (global $heap (mut i32) (i32.const 8192))
          (func (export "malloc") (param $size i32) (result i32)
            (local $p i32)
            (local.set $p (global.get $heap))
            (global.set $heap (i32.and (i32.add (i32.add (global.get $heap) (local.get $size)) (i32.const 7)) (i32.const -8)))
            (local.get $p))
          (func (export "proxy_abi_version_0_2_1"))
          (func (export "proxy_on_context_create") (param i32 i32))
          (func (export "proxy_on_done") (param i32) (result i32) (i32.const 1))
          (func (export "proxy_on_log") (param i32))
          (func (export "proxy_on_delete") (param i32))
        """;

    private const string Empty = "(module\n" + Prelude + """
          (func (export "proxy_on_request_headers") (param i32 i32 i32) (result i32) (i32.const 0))
          (func (export "proxy_on_response_headers") (param i32 i32 i32) (result i32) (i32.const 0))
        )
        """;

    private const string Headers = """
        (module
          (import "env" "proxy_add_header_map_value" (func $add (param i32 i32 i32 i32 i32) (result i32)))
          (import "env" "proxy_remove_header_map_value" (func $remove (param i32 i32 i32) (result i32)))
        """ + Prelude + """
          (data (i32.const 100) "x-wasm")
          (data (i32.const 110) "yes")
          (data (i32.const 120) "x-tenant")
          (func (export "proxy_on_request_headers") (param i32 i32 i32) (result i32)
            (global.set $heap (i32.const 8192))
            (drop (call $add (i32.const 0) (i32.const 100) (i32.const 6) (i32.const 110) (i32.const 3)))
            (drop (call $remove (i32.const 0) (i32.const 120) (i32.const 8)))
            (i32.const 0))
          (func (export "proxy_on_response_headers") (param i32 i32 i32) (result i32)
            (drop (call $add (i32.const 2) (i32.const 100) (i32.const 6) (i32.const 110) (i32.const 3)))
            (i32.const 0))
        )
        """;

    private HttpFilter[] _empty = null!;
    private HttpFilter[] _headers = null!;

    [GlobalSetup]
    public void Setup()
    {
        _empty = Compile("empty", Empty);
        _headers = Compile("headers", Headers);
    }

    [Benchmark(Baseline = true)]
    public Task<int> NoFilter() => RunAsync([]);

    [Benchmark]
    public Task<int> EmptyWasmFilter() => RunAsync(_empty);

    [Benchmark]
    public Task<int> HeaderWasmFilter() => RunAsync(_headers);

    private static async Task<int> RunAsync(HttpFilter[] chain)
    {
        var context = new DefaultHttpContext();
        context.Request.Method = "GET";
        context.Request.Scheme = "http";
        context.Request.Host = new HostString("example.com");
        context.Request.Path = "/items";
        context.Request.Headers["x-tenant"] = "acme";
        var exchange = new ProxyExchange(context, "/items", "bench") { Chain = chain };
        foreach (var filter in chain)
        {
            await filter.OnRequestAsync(exchange);
        }

        context.Response.StatusCode = 200;
        context.Response.ContentLength = 0;
        for (var i = chain.Length - 1; i >= 0; i--)
        {
            chain[i].OnResponseHeaders(exchange);
        }

        for (var i = chain.Length - 1; i >= 0; i--)
        {
            await chain[i].OnResponseCompletedAsync(exchange);
        }

        return context.Response.Headers.Count;
    }

    private static HttpFilter[] Compile(string name, string wat)
    {
        var file = Path.Combine(Path.GetTempPath(), $"sluice-bench-{name}-{Environment.ProcessId}.wat");
        File.WriteAllText(file, wat);
        FilterRegistry.Default.TryGet("wasm", out var descriptor);
        var options = new WasmOptions { Filters = [new WasmFilterOptions { Name = name, FilePath = file, Instances = 1 }] };
        return [.. descriptor.CompileAll(options, FilterCompileContext.Empty)];
    }
}
