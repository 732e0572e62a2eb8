using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Logging;
using Sluice.EndToEnd.Tests.Harness;

namespace Sluice.EndToEnd.Tests.Kubernetes;

/// <summary>
/// A "pod": an echo backend on its own loopback address (127.0.0.N) and a port shared by all pods of a Service, as
/// Pods share a targetPort on different IPs. Linux routes all of 127.0.0.0/8 to the loopback interface.
/// </summary>
public sealed class PodBackend : IAsyncDisposable
{
    private static int _nextHost = 2 + (Environment.ProcessId % 50) * 4;

    private readonly WebApplication _app;
    private int _requests;

    private PodBackend(WebApplication app, string name, string address, int port)
    {
        _app = app;
        Name = name;
        Address = address;
        Port = port;
    }

    public string Name { get; }

    public string Address { get; }

    public int Port { get; }

    public int RequestCount => Volatile.Read(ref _requests);

    /// <summary>A new pod address; each is handed out once per process.</summary>
    public static string NextAddress()
    {
        var host = Interlocked.Increment(ref _nextHost);
        return $"127.0.{(host / 250) % 250}.{(host % 250) + 2}";
    }

    public static async Task<PodBackend> StartAsync(string name, int port, string? address = null)
    {
        address ??= NextAddress();
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Parse(address), port));
        var app = builder.Build();
        var pod = new PodBackend(app, name, address, port);
        app.Run(context =>
        {
            Interlocked.Increment(ref pod._requests);
            return TestBackend.Echo(context, name);
        });
        await app.StartAsync();
        return pod;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
