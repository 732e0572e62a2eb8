using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Sluice.EndToEnd.Tests.Harness;

namespace Sluice.EndToEnd.Tests.Resilience.EndpointLoss;

/// <summary>
/// The reliability promise end to end: an endpoint that dies under steady load costs the client nothing when
/// retries are on, is ejected, and takes traffic again once it is back and its ejection has passed.
/// </summary>
public sealed class EndpointKilledUnderLoadTests
{
    [Fact]
    public async Task EndpointKilledMidLoad_WithRetries_ClientSeesNoError_AndTheEndpointReturnsWhenBack()
    {
        var portA = FreePort.Next();
        var counts = new int[2];
        var a = await StartBackendAsync(portA, () => Interlocked.Increment(ref counts[0]));
        var portB = FreePort.Next();
        await using var b = await StartBackendAsync(portB, () => Interlocked.Increment(ref counts[1]));
        await using var gateway = await GatewayFixture.StartAsync(g =>
        {
            g.WriteFile("upstream.yaml", $$"""
                apiVersion: gateway.sluice.dev/v1
                kind: Upstream
                metadata: {name: pool, namespace: default}
                spec:
                  static:
                    hosts:
                      - {addr: 127.0.0.1, port: {{portA}}}
                      - {addr: 127.0.0.1, port: {{portB}}}
                  outlierDetection:
                    consecutive5xx: 2
                    interval: 200ms
                    baseEjectionTime: 1s
                    maxEjectionPercent: 50
                  circuitBreakers: {maxRetries: 100}
                """);
            g.WriteFile("vs.yaml", Yaml.VirtualService("vs", """
                      - matchers: [{prefix: /}]
                        routeAction: {single: {upstream: {name: pool}}}
                        options:
                          retries: {retryOn: "connect-failure,reset,5xx", numRetries: 3}
                """));
        });

        using var client = gateway.CreateClient();
        var failures = 0;
        var served = 0;
        using var stop = new CancellationTokenSource();
        var loops = Enumerable.Range(0, 4).Select(_ => Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                try
                {
                    using var response = await client.GetAsync("/work", CancellationToken.None);
                    if (response.StatusCode == HttpStatusCode.OK)
                    {
                        Interlocked.Increment(ref served);
                    }
                    else
                    {
                        Interlocked.Increment(ref failures);
                    }
                }
                catch (HttpRequestException)
                {
                    Interlocked.Increment(ref failures);
                }
            }
        })).ToArray();

        await Task.Delay(700);
        var beforeKill = Volatile.Read(ref counts[0]);
        await a.StopAsync();
        await a.DisposeAsync();
        await Task.Delay(1500);
        stop.Cancel();
        await Task.WhenAll(loops);

        Assert.True(beforeKill > 0, "endpoint A took traffic before it was killed");
        Assert.True(served > 100, $"only {served} requests were served");
        Assert.Equal(0, failures);

        // A comes back on the same port; once its ejection has passed it takes traffic again.
        await using var revived = await StartBackendAsync(portA, () => Interlocked.Increment(ref counts[0]));
        var afterRevival = Volatile.Read(ref counts[0]);
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        while (Volatile.Read(ref counts[0]) == afterRevival && DateTime.UtcNow < deadline)
        {
            using var response = await client.GetAsync("/work");
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            await Task.Delay(20);
        }

        Assert.True(Volatile.Read(ref counts[0]) > afterRevival, "the revived endpoint never took traffic again");
    }

    private static async Task<WebApplication> StartBackendAsync(int port, Action onRequest)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, port));
        var app = builder.Build();
        app.Run(context =>
        {
            onRequest();
            return context.Response.WriteAsync("ok");
        });
        await app.StartAsync();
        return app;
    }
}
