using System.Net;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Sluice.EndToEnd.Tests.Harness;

/// <summary>
/// A real Kestrel backend on 127.0.0.1. By default it echoes what it received as JSON (<see cref="EchoResponse"/>);
/// a test may pass its own handler for faulty or special behaviour.
/// </summary>
public sealed class TestBackend : IAsyncDisposable
{
    private readonly WebApplication _app;
    private int _requests;

    private TestBackend(WebApplication app, string name)
    {
        _app = app;
        Name = name;
    }

    public string Name { get; }

    public int Port { get; private set; }

    public int RequestCount => Volatile.Read(ref _requests);

    public static async Task<TestBackend> StartAsync(string name, RequestDelegate? handler = null, HttpProtocols protocols = HttpProtocols.Http1)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, 0, l => l.Protocols = protocols));
        var app = builder.Build();
        var backend = new TestBackend(app, name);
        app.Run(async context =>
        {
            Interlocked.Increment(ref backend._requests);
            if (handler is not null)
            {
                await handler(context);
                return;
            }

            await Echo(context, name);
        });
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        backend.Port = new Uri(address).Port;
        return backend;
    }

    public static async Task Echo(HttpContext context, string name)
    {
        string body;
        using (var reader = new StreamReader(context.Request.Body))
        {
            body = await reader.ReadToEndAsync();
        }

        var echo = new EchoResponse
        {
            Backend = name,
            Method = context.Request.Method,
            Path = context.Request.Path.Value ?? string.Empty,
            RawTarget = context.Features.Get<Microsoft.AspNetCore.Http.Features.IHttpRequestFeature>()?.RawTarget ?? string.Empty,
            Query = context.Request.QueryString.Value ?? string.Empty,
            Protocol = context.Request.Protocol,
            Host = context.Request.Host.Value ?? string.Empty,
            Headers = context.Request.Headers.ToDictionary(h => h.Key.ToLowerInvariant(), h => h.Value.ToString()),
            Body = body,
        };
        context.Response.ContentType = "application/json";
        await JsonSerializer.SerializeAsync(context.Response.Body, echo, EchoResponse.JsonOptions);
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}

/// <summary>What the echo backend saw.</summary>
public sealed record EchoResponse
{
    public static readonly JsonSerializerOptions JsonOptions = new(JsonSerializerDefaults.Web);

    public string Backend { get; init; } = string.Empty;

    public string Method { get; init; } = string.Empty;

    public string Path { get; init; } = string.Empty;

    public string RawTarget { get; init; } = string.Empty;

    public string Query { get; init; } = string.Empty;

    public string Protocol { get; init; } = string.Empty;

    public string Host { get; init; } = string.Empty;

    public Dictionary<string, string> Headers { get; init; } = [];

    public string Body { get; init; } = string.Empty;
}
