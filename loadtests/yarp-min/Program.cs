// yarp-min: the floor any YARP-based gateway stands on.
//
// Default: one route (/{**catch-all}) and one cluster (the backend), YARP framework defaults through
// AddReverseProxy().LoadFromMemory(...). That is all: no filters, no config watcher, no admin API.
//
// --vhosts N --routes M builds the route table that loadtests/lib/gen-configs.py gives Sluice, nginx and HAProxy
// for scenarios 3 and 4 (host vh{i}.bench.local, path prefix /api/r{j}/, prefix rewrite to "/", Host rewrite,
// 30 s timeout), so "x yarp-min" there compares against plain YARP doing the same routing work.
//
// Usage:
//   yarp-min --backend http://127.0.0.1:18000 --port 18081 [--h2c-port 18091]
//            [--tls-port 18444 --cert cert.pem --key key.pem] [--vhosts 50 --routes 20]
using System.Globalization;
using System.Net;
using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Yarp.ReverseProxy.Configuration;

var options = YarpMinOptions.Parse(args);
if (options is null)
{
    Console.Error.WriteLine(YarpMinOptions.Usage);
    return 2;
}

var builder = WebApplication.CreateBuilder();

// YARP logs every proxied request at Information; a gateway in production runs at Warning.
builder.Logging.SetMinimumLevel(LogLevel.Warning);

builder.WebHost.ConfigureKestrel(kestrel =>
{
    // Plain port: HTTP/1.1, and h2c with prior knowledge when Kestrel offers it on a mixed endpoint.
    kestrel.Listen(IPAddress.Loopback, options.Port, listen => listen.Protocols = HttpProtocols.Http1AndHttp2);

    if (options.H2cPort is int h2cPort)
    {
        kestrel.Listen(IPAddress.Loopback, h2cPort, listen => listen.Protocols = HttpProtocols.Http2);
    }

    if (options.TlsPort is int tlsPort)
    {
        var certificate = X509Certificate2.CreateFromPemFile(options.CertPath!, options.KeyPath);
        kestrel.Listen(IPAddress.Loopback, tlsPort, listen =>
        {
            listen.Protocols = HttpProtocols.Http1AndHttp2;
            listen.UseHttps(certificate);
        });
    }
});

var routes = BuildRoutes(options);
var clusters = new[]
{
    new ClusterConfig
    {
        ClusterId = "backend",
        Destinations = new Dictionary<string, DestinationConfig>(StringComparer.Ordinal)
        {
            ["backend-1"] = new() { Address = options.Backend },
        },
    },
};

builder.Services.AddReverseProxy().LoadFromMemory(routes, clusters);
if (options.VirtualHosts > 0)
{
    // Route timeouts in YARP are ASP.NET Core request timeouts.
    builder.Services.AddRequestTimeouts();
}

var app = builder.Build();
if (options.VirtualHosts > 0)
{
    app.UseRequestTimeouts();
}

app.MapReverseProxy();
await app.RunAsync().ConfigureAwait(false);
return 0;

static List<RouteConfig> BuildRoutes(YarpMinOptions options)
{
    if (options.VirtualHosts == 0)
    {
        return [new RouteConfig { RouteId = "all", ClusterId = "backend", Match = new RouteMatch { Path = "/{**catch-all}" } }];
    }

    var routes = new List<RouteConfig>(options.VirtualHosts * options.RoutesPerHost);
    for (var host = 0; host < options.VirtualHosts; host++)
    {
        for (var route = 0; route < options.RoutesPerHost; route++)
        {
            routes.Add(new RouteConfig
            {
                RouteId = string.Create(CultureInfo.InvariantCulture, $"vh{host}-r{route}"),
                ClusterId = "backend",
                Order = route,
                Timeout = TimeSpan.FromSeconds(30),
                Match = new RouteMatch
                {
                    Hosts = [string.Create(CultureInfo.InvariantCulture, $"vh{host}.bench.local")],
                    Path = string.Create(CultureInfo.InvariantCulture, $"/api/r{route}/{{**rest}}"),
                },
                Transforms =
                [
                    new Dictionary<string, string>(StringComparer.Ordinal) { ["PathPattern"] = "/{**rest}" },
                    new Dictionary<string, string>(StringComparer.Ordinal) { ["RequestHeader"] = "Host", ["Set"] = "backend.local" },
                ],
            });
        }
    }

    return routes;
}

internal sealed record YarpMinOptions
{
    public const string Usage =
        "usage: yarp-min --backend URL --port PORT [--h2c-port PORT] [--tls-port PORT --cert PEM --key PEM] [--vhosts N --routes M]";

    public string Backend { get; init; } = "http://127.0.0.1:18000";

    public int Port { get; init; } = 18081;

    public int? H2cPort { get; init; }

    public int? TlsPort { get; init; }

    public string? CertPath { get; init; }

    public string? KeyPath { get; init; }

    public int VirtualHosts { get; init; }

    public int RoutesPerHost { get; init; }

    public static YarpMinOptions? Parse(string[] args)
    {
        var result = new YarpMinOptions();
        for (var i = 0; i < args.Length; i++)
        {
            if (i + 1 >= args.Length)
            {
                return null;
            }

            var value = args[++i];
            result = args[i - 1] switch
            {
                "--backend" => result with { Backend = value },
                "--port" => result with { Port = Number(value) },
                "--h2c-port" => result with { H2cPort = Number(value) },
                "--tls-port" => result with { TlsPort = Number(value) },
                "--cert" => result with { CertPath = value },
                "--key" => result with { KeyPath = value },
                "--vhosts" => result with { VirtualHosts = Number(value) },
                "--routes" => result with { RoutesPerHost = Number(value) },
                _ => null,
            };

            if (result is null)
            {
                return null;
            }
        }

        var tlsComplete = result.TlsPort is null || (result.CertPath is not null && result.KeyPath is not null);
        var routesComplete = (result.VirtualHosts > 0) == (result.RoutesPerHost > 0);
        return tlsComplete && routesComplete ? result : null;
    }

    private static int Number(string text) => int.Parse(text, NumberStyles.None, CultureInfo.InvariantCulture);
}
