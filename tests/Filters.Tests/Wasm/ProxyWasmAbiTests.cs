using System.Diagnostics.Metrics;
using System.Text;
using Sluice.Filters.Wasm.Abi;
using Sluice.Filters.Wasm.Shared;
using Sluice.Filters.Wasm.Streams;

namespace Sluice.Filters.Tests.Wasm;

public sealed class ProxyWasmAbiTests
{
    [Fact]
    public void HeaderPairs_AreLaidOutAsTheCppHostDoes()
    {
        var bytes = HeaderPairs.Serialize([new("a", "bc"), new(":path", "/")]);

        byte[] expected =
        [
            2, 0, 0, 0,
            1, 0, 0, 0, 2, 0, 0, 0,
            5, 0, 0, 0, 1, 0, 0, 0,
            (byte)'a', 0, (byte)'b', (byte)'c', 0,
            (byte)':', (byte)'p', (byte)'a', (byte)'t', (byte)'h', 0, (byte)'/', 0,
        ];
        Assert.Equal(expected, bytes);

        var parsed = new List<KeyValuePair<string, string>>();
        Assert.True(HeaderPairs.TryParse(bytes, parsed));
        Assert.Equal([new("a", "bc"), new(":path", "/")], parsed);
        Assert.False(HeaderPairs.TryParse(bytes.AsSpan(0, bytes.Length - 3), []));
    }

    [Fact]
    public void BodyBuffer_SetsAsEnvoy_PrependReplaceAppendOrBadArgument()
    {
        var buffer = new BodyBuffer();
        buffer.Load("body"u8);
        Assert.Equal(WasmResult.Ok, buffer.Set(0, 0, "<"u8));
        Assert.Equal("<body", Encoding.UTF8.GetString(buffer.Content));
        Assert.Equal(WasmResult.Ok, buffer.Set(5, 0, ">"u8));
        Assert.Equal("<body>", Encoding.UTF8.GetString(buffer.Content));
        Assert.Equal(WasmResult.BadArgument, buffer.Set(2, 1, "x"u8));
        Assert.Equal(WasmResult.Ok, buffer.Set(0, 6, "new"u8));
        Assert.Equal("new", Encoding.UTF8.GetString(buffer.Content));
        Assert.True(buffer.Modified);
    }

    [Fact]
    public async Task GetHeaderMapPairs_GivesPseudoHeadersFirst_LowerCaseNames()
    {
        var host = WasmTestHost.Load(WatModules.LogsHeaderPairs);
        await host.RequestAsync("/p?q=1", request => request.Headers["X-Mixed-Case"] = "v");

        var pairs = new List<KeyValuePair<string, string>>();
        Assert.True(HeaderPairs.TryParse(Encoding.UTF8.GetBytes(host.Logs.Last()), pairs));
        Assert.Equal([new(":authority", "example.com"), new(":path", "/p?q=1"), new(":method", "GET"), new(":scheme", "http"), new("x-mixed-case", "v")], pairs);
    }

    [Fact]
    public async Task Properties_AreServedByNulSeparatedPath_AndMissingOnesAreNotFound()
    {
        var host = WasmTestHost.Load(WatModules.LogsProperties, rootId: "my_root");
        await host.RequestAsync("/where?x=1");

        Assert.Equal(["my_root", "/where?x=1", string.Empty], host.Logs.TakeLast(3));
    }

    [Fact]
    public async Task Abi010Module_RunsWithItsTwoParameterCallbacks()
    {
        var host = WasmTestHost.Load(WatModules.Abi010);
        Assert.Equal(AbiVersion.V0_1_0, host.Plugin.Module.Abi);

        var (exchange, verdict, _) = await host.RequestAsync();

        Assert.Equal(FilterVerdict.Continue, verdict);
        Assert.Equal("010", exchange.HttpContext.Request.Headers["x-abi"]);
    }

    [Fact]
    public async Task UnknownImportsLink_UnknownProxyCallsAnswerUnimplemented_WasiWorks()
    {
        var host = WasmTestHost.Load(WatModules.ImportsEverything);

        var (exchange, verdict, _) = await host.RequestAsync();

        Assert.Equal(FilterVerdict.Continue, verdict);
        Assert.Equal(((int)WasmResult.Unimplemented).ToString(System.Globalization.CultureInfo.InvariantCulture), exchange.HttpContext.Request.Headers["x-result"]);
        Assert.Contains("hello stdout", host.Logs);
    }

    [Fact]
    public async Task Metrics_AreCountedOnTheSluiceWasmMeter_AndTicksReachTheRootContext()
    {
        var seen = new Dictionary<string, long>();
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name == WasmMetrics.MeterName)
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<long>((instrument, value, _, _) =>
        {
            lock (seen)
            {
                seen[instrument.Name] = value;
            }
        });
        listener.Start();

        var host = WasmTestHost.Load(WatModules.MetricsAndTicks);
        for (var i = 0; i < 3; i++)
        {
            var (exchange, _, sink) = await host.RequestAsync();
            await host.RespondAsync(exchange, sink, 200, "ok");
        }

        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        long ticks = 0, requests = 0;
        while (DateTime.UtcNow < deadline && ticks == 0)
        {
            listener.RecordObservableInstruments();
            lock (seen)
            {
                seen.TryGetValue("wasm.unit_ticks", out ticks);
                seen.TryGetValue("wasm.unit_requests", out requests);
            }

            await Task.Delay(20);
        }

        Assert.True(requests >= 3, $"wasm.unit_requests = {requests}");
        Assert.True(ticks > 0, "proxy_on_tick never ran");
    }

    [Fact]
    public void SharedData_CompareAndSwap()
    {
        var vm = Guid.NewGuid().ToString("N");
        Assert.Equal(WasmResult.Ok, SharedData.Set(vm, "k", "1"u8.ToArray(), 0));
        Assert.True(SharedData.TryGet(vm, "k", out _, out var cas));
        Assert.Equal(WasmResult.CasMismatch, SharedData.Set(vm, "k", "2"u8.ToArray(), cas + 1));
        Assert.Equal(WasmResult.Ok, SharedData.Set(vm, "k", "3"u8.ToArray(), cas));
        Assert.True(SharedData.TryGet(vm, "k", out var value, out _));
        Assert.Equal("3", Encoding.UTF8.GetString(value));
        Assert.False(SharedData.TryGet(vm, "missing", out _, out _));
    }

    [Fact]
    public void SharedQueue_EnqueueDequeue_InOrder_EmptyAfter()
    {
        var vm = Guid.NewGuid().ToString("N");
        var id = SharedQueues.Register(vm, "q", _ => { });
        Assert.Equal(id, SharedQueues.Resolve(vm, "q"));
        SharedQueues.Enqueue(id, "a"u8.ToArray());
        SharedQueues.Enqueue(id, "b"u8.ToArray());
        Assert.Equal(WasmResult.Ok, SharedQueues.Dequeue(id, out var first));
        Assert.Equal(WasmResult.Ok, SharedQueues.Dequeue(id, out var second));
        Assert.Equal("ab", Encoding.UTF8.GetString(first) + Encoding.UTF8.GetString(second));
        Assert.Equal(WasmResult.Empty, SharedQueues.Dequeue(id, out _));
    }

    [Fact]
    public async Task RequestBody_BufferedAndRewritten_IsWhatIsForwarded()
    {
        var host = WasmTestHost.Load(WatModules.RequestBodyAppend);
        var (exchange, verdict, _) = await host.RequestAsync("/", request =>
        {
            request.Method = "POST";
            request.Body = new MemoryStream("payload"u8.ToArray());
            request.ContentLength = 7;
        });

        Assert.Equal(FilterVerdict.Continue, verdict);
        using var reader = new StreamReader(exchange.HttpContext.Request.Body);
        Assert.Equal("payload!", await reader.ReadToEndAsync());
    }
}
