using System.Text;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Sluice.Filters.Wasm;
using Sluice.Filters.Wasm.Runtime;

namespace Sluice.Filters.Tests.Wasm;

/// <summary>Loads a WAT filter as the gateway does and runs requests through it on a <see cref="DefaultHttpContext"/>.</summary>
internal sealed class WasmTestHost
{
    private WasmTestHost(WasmFilter filter, WasmPlugin plugin)
    {
        Filter = filter;
        Plugin = plugin;
    }

    public WasmFilter Filter { get; }

    public WasmPlugin Plugin { get; }

    public List<string> Logs { get; } = [];

    public static WasmTestHost Load(string wat, string? config = null, string rootId = "", bool failOpen = false)
    {
        var file = Path.Combine(Path.GetTempPath(), "sluice-wasm-unit-" + Guid.NewGuid().ToString("N")[..12] + ".wat");
        File.WriteAllText(file, wat);
        var logs = new List<string>();
        try
        {
            var options = new WasmFilterOptions
            {
                Name = "unit",
                FilePath = file,
                RootId = rootId,
                Config = config is null ? null : new StructuredValue(config, IsString: true),
                Instances = 1,
                FailOpen = failOpen,
            };
            var (plugin, field, error) = WasmFilterDescriptor.Prepare(options, (level, message) => logs.Add(message));
            if (plugin is null)
            {
                throw new InvalidOperationException($"{field}: {error}");
            }

            var host = new WasmTestHost(new WasmFilter(plugin, "unit", FilterStage.Transform, failOpen), plugin);
            host.Logs.AddRange(logs);
            plugin.OnGuestLog = (level, message) => host.Logs.Add(message);
            return host;
        }
        finally
        {
            File.Delete(file);
        }
    }

    /// <summary>Runs the request side; the exchange carries what the filter changed.</summary>
    public async Task<(ProxyExchange Exchange, FilterVerdict Verdict, MemoryStream Response)> RequestAsync(string path = "/", Action<HttpRequest>? shape = null)
    {
        var context = new DefaultHttpContext();
        context.Request.Method = "GET";
        context.Request.Scheme = "http";
        context.Request.Host = new HostString("example.com");
        var query = path.IndexOf('?', StringComparison.Ordinal);
        context.Request.Path = query < 0 ? path : path[..query];
        context.Request.QueryString = query < 0 ? QueryString.Empty : new QueryString(path[query..]);
        shape?.Invoke(context.Request);
        var response = new MemoryStream();
        context.Features.Set<IHttpResponseBodyFeature>(new StreamResponseBodyFeature(response));
        var exchange = new ProxyExchange(context, context.Request.Path.Value!, "unit-route") { Chain = [Filter], VirtualHostName = "default/unit" };
        var verdict = await Filter.OnRequestAsync(exchange);
        return (exchange, verdict, response);
    }

    /// <summary>Simulates the upstream answer and runs the response side to the end.</summary>
    public async Task<string> RespondAsync(ProxyExchange exchange, MemoryStream sink, int status, string body)
    {
        var response = exchange.HttpContext.Response;
        response.StatusCode = status;
        var bytes = Encoding.UTF8.GetBytes(body);
        response.ContentLength = bytes.Length;
        Filter.OnResponseHeaders(exchange);
        await response.Body.WriteAsync(bytes);
        await Filter.OnResponseCompletedAsync(exchange);
        return Encoding.UTF8.GetString(sink.ToArray());
    }
}
