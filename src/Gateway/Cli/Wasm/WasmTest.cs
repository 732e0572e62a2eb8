using System.Text;
using Microsoft.AspNetCore.Http.Features;
using Sluice.Filters;
using Sluice.Filters.Wasm;

namespace Sluice.Gateway.Cli.Wasm;

/// <summary>What <c>sluice wasm test</c> runs: a filter, one request, and the upstream response to simulate.</summary>
internal sealed record WasmTestRequest(
    string File,
    string Request,
    IReadOnlyList<string> Headers,
    string? Config,
    string RootId,
    string? Body,
    int ResponseStatus,
    IReadOnlyList<string> ResponseHeaders,
    string ResponseBody);

/// <summary>
/// <c>sluice wasm test FILE --request 'GET /path' -H 'k: v'</c>: loads the filter as the gateway does, runs one request
/// through it and a simulated upstream response back, and prints what changed on each side and what the filter logged.
/// </summary>
internal static class WasmTest
{
    public static async Task<int> RunAsync(WasmTestRequest test, TextWriter output)
    {
        var logs = new List<string>();
        var options = new WasmFilterOptions
        {
            Name = Path.GetFileNameWithoutExtension(test.File),
            FilePath = test.File,
            RootId = test.RootId,
            Config = test.Config is null ? null : new StructuredValue(test.Config, IsString: true),
            Instances = 1,
        };
        var (plugin, field, error) = WasmFilterDescriptor.Prepare(options, (level, message) =>
        {
            // SDKs log their own plumbing at debug and trace; what a filter author logs on purpose is info and above.
            if (level >= 2)
            {
                logs.Add($"[{LevelName(level)}] {message}");
            }
        }, Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance);
        if (plugin is null)
        {
            output.WriteLine($"error: {field}: {error}");
            PrintLogs(output, logs);
            return 1;
        }

        var parts = test.Request.Split(' ', 2, StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (parts.Length != 2 || !parts[1].StartsWith('/'))
        {
            output.WriteLine($"error: --request '{test.Request}' is not 'METHOD /path'");
            return 2;
        }

        var context = new DefaultHttpContext();
        var request = context.Request;
        request.Method = parts[0].ToUpperInvariant();
        request.Scheme = "http";
        var query = parts[1].IndexOf('?', StringComparison.Ordinal);
        request.Path = query < 0 ? parts[1] : parts[1][..query];
        request.QueryString = query < 0 ? QueryString.Empty : new QueryString(parts[1][query..]);
        request.Host = new HostString("localhost");
        foreach (var header in test.Headers)
        {
            var colon = header.IndexOf(':', StringComparison.Ordinal);
            if (colon <= 0)
            {
                output.WriteLine($"error: -H '{header}' is not 'name: value'");
                return 2;
            }

            request.Headers.Append(header[..colon].Trim(), header[(colon + 1)..].Trim());
        }

        if (test.Body is { } body)
        {
            var bytes = Encoding.UTF8.GetBytes(body);
            request.Body = new MemoryStream(bytes);
            request.ContentLength = bytes.Length;
        }

        var before = Snapshot(request.Headers);
        var path = request.Path.Value!;
        var filter = new WasmFilter(plugin, options.Name, FilterStage.Transform, failOpen: false);
        var exchange = new ProxyExchange(context, path, "wasm-test") { Chain = [filter], VirtualHostName = "default/wasm-test" };
        var responseBuffer = new MemoryStream();
        context.Features.Set<IHttpResponseBodyFeature>(new StreamResponseBodyFeature(responseBuffer));

        output.WriteLine($"filter {options.Name} (root id '{test.RootId}', {plugin.Module.Abi}, sha256 {plugin.Module.Sha256[..12]})");
        output.WriteLine($"request: {request.Method} {parts[1]}");
        var verdict = await filter.OnRequestAsync(exchange).ConfigureAwait(false);
        if (verdict == FilterVerdict.Handled)
        {
            output.WriteLine($"  answered locally: {context.Response.StatusCode}");
            PrintHeaders(output, "    ", context.Response.Headers);
            output.WriteLine($"    body: {Encoding.UTF8.GetString(responseBuffer.ToArray())}");
            PrintLogs(output, logs);
            return 0;
        }

        PrintChanges(output, before, Snapshot(request.Headers));
        var forwardedPath = exchange.UpstreamPath + request.QueryString.Value;
        output.WriteLine(forwardedPath == parts[1] ? $"  forwarded as {request.Method} {forwardedPath}" : $"  path rewritten: {parts[1]} -> {forwardedPath}");
        if (exchange.UpstreamHost is { } host)
        {
            output.WriteLine($"  authority: {host}");
        }

        if (test.Body is not null)
        {
            using var reader = new StreamReader(request.Body);
            var forwarded = await reader.ReadToEndAsync().ConfigureAwait(false);
            output.WriteLine(forwarded == test.Body ? "  body forwarded unchanged" : $"  body rewritten: {forwarded}");
        }

        var response = context.Response;
        response.StatusCode = test.ResponseStatus;
        foreach (var header in test.ResponseHeaders)
        {
            var colon = header.IndexOf(':', StringComparison.Ordinal);
            if (colon > 0)
            {
                response.Headers.Append(header[..colon].Trim(), header[(colon + 1)..].Trim());
            }
        }

        var upstreamBody = Encoding.UTF8.GetBytes(test.ResponseBody);
        response.ContentLength = upstreamBody.Length;
        var responseBefore = Snapshot(response.Headers);
        output.WriteLine($"response: {test.ResponseStatus}");
        filter.OnResponseHeaders(exchange);
        if (upstreamBody.Length > 0)
        {
            await response.Body.WriteAsync(upstreamBody).ConfigureAwait(false);
        }

        await filter.OnResponseCompletedAsync(exchange).ConfigureAwait(false);
        if (response.StatusCode != test.ResponseStatus)
        {
            output.WriteLine($"  status changed: {test.ResponseStatus} -> {response.StatusCode}");
        }

        PrintChanges(output, responseBefore, Snapshot(response.Headers));
        var sent = Encoding.UTF8.GetString(responseBuffer.ToArray());
        output.WriteLine(sent == test.ResponseBody ? "  body unchanged" : $"  body: {sent}");
        PrintLogs(output, logs);
        return 0;
    }

    private static Dictionary<string, string> Snapshot(IHeaderDictionary headers)
    {
        var copy = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var (name, values) in headers)
        {
            copy[name.ToLowerInvariant()] = values.ToString();
        }

        return copy;
    }

    private static void PrintChanges(TextWriter output, Dictionary<string, string> before, Dictionary<string, string> after)
    {
        foreach (var (name, value) in after.OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            if (!before.TryGetValue(name, out var old))
            {
                output.WriteLine($"  + {name}: {value}");
            }
            else if (old != value)
            {
                output.WriteLine($"  ~ {name}: {old} -> {value}");
            }
        }

        foreach (var (name, value) in before.OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            if (!after.ContainsKey(name))
            {
                output.WriteLine($"  - {name}: {value}");
            }
        }
    }

    private static void PrintHeaders(TextWriter output, string indent, IHeaderDictionary headers)
    {
        foreach (var (name, values) in headers)
        {
            output.WriteLine($"{indent}{name.ToLowerInvariant()}: {values}");
        }
    }

    private static void PrintLogs(TextWriter output, List<string> logs)
    {
        if (logs.Count == 0)
        {
            return;
        }

        output.WriteLine("logs:");
        foreach (var line in logs)
        {
            output.WriteLine($"  {line}");
        }
    }

    private static string LevelName(int level) => level switch
    {
        0 => "trace",
        1 => "debug",
        2 => "info",
        3 => "warn",
        4 => "error",
        _ => "critical",
    };
}
