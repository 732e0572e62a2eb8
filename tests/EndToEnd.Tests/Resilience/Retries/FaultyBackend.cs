using System.Collections.Concurrent;
using System.Text;
using Microsoft.AspNetCore.Http;
using Sluice.EndToEnd.Tests.Harness;

namespace Sluice.EndToEnd.Tests.Resilience.Retries;

/// <summary>
/// Real loopback backends that misbehave on purpose: answer 503, hang, or break a response half way. Each records the
/// request bodies it read and the connections requests came on, so tests can tell what reached which endpoint.
/// </summary>
public sealed class FaultyBackend : IAsyncDisposable
{
    private readonly ConcurrentQueue<string> _bodies = new();
    private readonly ConcurrentDictionary<string, int> _connections = new();
    private readonly ConcurrentQueue<string> _attemptHeaders = new();
    private TestBackend _backend = null!;
    private int _calls;

    public int Port => _backend.Port;

    public int Calls => Volatile.Read(ref _calls);

    /// <summary>Request bodies read before answering (behaviours that read them).</summary>
    public IReadOnlyCollection<string> Bodies => _bodies;

    public int DistinctConnections => _connections.Count;

    /// <summary>The <c>x-envoy-attempt-count</c> header of every request, or "-" when absent.</summary>
    public IReadOnlyCollection<string> AttemptHeaders => _attemptHeaders;

    /// <summary>503 on odd calls (1st, 3rd...), the echo on even ones: half of all requests fail.</summary>
    public static Task<FaultyBackend> AlternatingAsync(string name) => StartAsync(name, async (backend, context, call) =>
    {
        if (call % 2 == 1)
        {
            await Unavailable(context);
            return;
        }

        await TestBackend.Echo(context, name);
    });

    /// <summary>
    /// 503 the first time a path ending in an even number arrives, the echo otherwise: half of all requests fail once,
    /// and a retry of the same request succeeds whatever else is in flight.
    /// </summary>
    public static Task<FaultyBackend> FailingOnceAsync(string name)
    {
        var seen = new ConcurrentDictionary<string, bool>();
        return StartAsync(name, async (backend, context, call) =>
        {
            var path = context.Request.Path.Value ?? string.Empty;
            var even = path.Length > 0 && char.IsAsciiDigit(path[^1]) && (path[^1] - '0') % 2 == 0;
            if (even && seen.TryAdd(path, true))
            {
                await Unavailable(context);
                return;
            }

            await TestBackend.Echo(context, name);
        });
    }

    /// <summary>Reads the whole request body, records it (bytes as Latin-1), then answers 503.</summary>
    public static Task<FaultyBackend> AlwaysUnavailableAsync(string name) => StartAsync(name, async (backend, context, call) =>
    {
        backend._bodies.Enqueue(await new StreamReader(context.Request.Body, Encoding.Latin1).ReadToEndAsync());
        await Unavailable(context);
    });

    /// <summary>Reads and records the body, then echoes it.</summary>
    public static Task<FaultyBackend> EchoAsync(string name) => StartAsync(name, async (backend, context, call) =>
    {
        context.Request.EnableBuffering();
        backend._bodies.Enqueue(await new StreamReader(context.Request.Body, leaveOpen: true).ReadToEndAsync());
        context.Request.Body.Position = 0;
        await TestBackend.Echo(context, name);
    });

    /// <summary>Never answers; the request ends only when the gateway gives up on it.</summary>
    public static Task<FaultyBackend> HangingAsync(string name) => StartAsync(name, async (backend, context, call) =>
    {
        try
        {
            await Task.Delay(Timeout.Infinite, context.RequestAborted);
        }
        catch (OperationCanceledException)
        {
        }
    });

    /// <summary>Sends 200 with its headers and part of the body, then resets the connection.</summary>
    public static Task<FaultyBackend> ResetMidBodyAsync(string name, bool declareLength) => StartAsync(name, async (backend, context, call) =>
    {
        if (declareLength)
        {
            context.Response.ContentLength = 100_000;
        }

        context.Response.ContentType = "application/octet-stream";
        await context.Response.Body.WriteAsync(new byte[8192]);
        await context.Response.Body.FlushAsync();
        await Task.Delay(50);
        context.Abort();
    });

    public static async Task<FaultyBackend> StartAsync(string name, Func<FaultyBackend, HttpContext, int, Task> behaviour)
    {
        var faulty = new FaultyBackend();
        faulty._backend = await TestBackend.StartAsync(name, context =>
        {
            var call = Interlocked.Increment(ref faulty._calls);
            faulty._connections.TryAdd(context.Connection.Id, 0);
            faulty._attemptHeaders.Enqueue(context.Request.Headers.TryGetValue("x-envoy-attempt-count", out var attempt) ? attempt.ToString() : "-");
            return behaviour(faulty, context, call);
        });
        return faulty;
    }

    public ValueTask DisposeAsync() => _backend.DisposeAsync();

    private static Task Unavailable(HttpContext context)
    {
        context.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
        context.Response.ContentType = "text/plain";
        return context.Response.WriteAsync("backend unavailable, try again\n");
    }
}
