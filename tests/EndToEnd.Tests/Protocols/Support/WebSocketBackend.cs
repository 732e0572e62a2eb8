using System.Net;
using System.Net.WebSockets;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Sluice.EndToEnd.Tests.Protocols.Support;

/// <summary>
/// A Kestrel WebSocket echo backend on 127.0.0.1. On connect it first sends <c>path=PATH?QUERY host=HOST</c> (what
/// the upgrade request looked like when it arrived), then echoes every message until the client closes.
/// </summary>
internal sealed class WebSocketBackend : IAsyncDisposable
{
    private readonly WebApplication _app;
    private int _upgrades;

    private WebSocketBackend(WebApplication app)
    {
        _app = app;
    }

    public int Port { get; private set; }

    public int Upgrades => Volatile.Read(ref _upgrades);

    public static async Task<WebSocketBackend> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, 0));
        var app = builder.Build();
        var backend = new WebSocketBackend(app);
        app.UseWebSockets();
        app.Run(async context =>
        {
            if (!context.WebSockets.IsWebSocketRequest)
            {
                context.Response.StatusCode = StatusCodes.Status426UpgradeRequired;
                return;
            }

            Interlocked.Increment(ref backend._upgrades);
            using var socket = await context.WebSockets.AcceptWebSocketAsync();
            var hello = Encoding.UTF8.GetBytes($"path={context.Request.Path}{context.Request.QueryString} host={context.Request.Host}");
            await socket.SendAsync(hello, WebSocketMessageType.Text, endOfMessage: true, context.RequestAborted);

            var buffer = new byte[64 * 1024];
            while (true)
            {
                var received = await socket.ReceiveAsync(buffer, context.RequestAborted);
                if (received.MessageType == WebSocketMessageType.Close)
                {
                    await socket.CloseAsync(WebSocketCloseStatus.NormalClosure, "bye", context.RequestAborted);
                    return;
                }

                await socket.SendAsync(buffer.AsMemory(0, received.Count), received.MessageType, received.EndOfMessage, context.RequestAborted);
            }
        });
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        backend.Port = new Uri(address).Port;
        return backend;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
