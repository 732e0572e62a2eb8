using System.Net;
using System.Text.Json;
using Microsoft.AspNetCore.Server.Kestrel.Core;

namespace Sluice.Gateway.Cli;

/// <summary>
/// <c>sluice demo-backend</c>: a small echo server for trying the bundled config. It answers every request with a
/// JSON description of what it received (method, path, query, headers), so rewrites and routing are visible.
/// </summary>
internal static class DemoBackend
{
    public static async Task<int> RunAsync(IPEndPoint endpoint, string name, CancellationToken cancellation)
    {
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { ApplicationName = "sluice-demo-backend", Args = [] });
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.AddServerHeader = false;
            kestrel.Listen(endpoint, listen => listen.Protocols = HttpProtocols.Http1AndHttp2);
        });
        await using var app = builder.Build();
        app.Run(async context =>
        {
            context.Response.ContentType = "application/json";
            await using var json = new Utf8JsonWriter(context.Response.Body, new JsonWriterOptions { Indented = true });
            json.WriteStartObject();
            json.WriteString("backend", name);
            json.WriteString("method", context.Request.Method);
            json.WriteString("path", context.Request.Path.Value);
            json.WriteString("query", context.Request.QueryString.Value);
            json.WriteString("protocol", context.Request.Protocol);
            json.WriteStartObject("headers");
            foreach (var (key, value) in context.Request.Headers)
            {
                json.WriteString(key, value.ToString());
            }

            json.WriteEndObject();
            json.WriteEndObject();
        });
        Console.WriteLine($"demo backend '{name}' listening on http://{endpoint}");
        await app.RunAsync(cancellation).ConfigureAwait(false);
        return 0;
    }
}
