using System.Collections.Concurrent;
using System.Net;

namespace Sluice.EndToEnd.Tests.Reload;

/// <summary>
/// A bounded, steady load: a few concurrent loops, each with its own HTTP/1.1 keep-alive connection, sending the
/// same request until stopped. Every response that is not a 2xx with the expected body, and every exception, is a
/// failure, kept with what went wrong.
/// </summary>
public sealed class LoadLoop
{
    private readonly ConcurrentQueue<string> _failures = new();
    private readonly CancellationTokenSource _stop = new();
    private readonly List<Task> _loops = [];
    private int _succeeded;

    private LoadLoop()
    {
    }

    public int Succeeded => Volatile.Read(ref _succeeded);

    public IReadOnlyCollection<string> Failures => _failures;

    /// <param name="isExpected">Checks a 2xx body; for example, that one of the expected backends answered.</param>
    public static LoadLoop Start(int port, string host, string path, int concurrency, Func<string, bool> isExpected)
    {
        var load = new LoadLoop();
        for (var i = 0; i < concurrency; i++)
        {
            load._loops.Add(Task.Run(() => load.RunAsync(port, host, path, isExpected)));
        }

        return load;
    }

    public async Task StopAsync()
    {
        await _stop.CancelAsync();
        await Task.WhenAll(_loops);
        _stop.Dispose();
    }

    /// <summary>A readable summary of the first failures, for assertion messages.</summary>
    public string Describe() => $"{Succeeded} succeeded, {_failures.Count} failed: {string.Join(" | ", _failures.Take(5))}";

    private async Task RunAsync(int port, string host, string path, Func<string, bool> isExpected)
    {
        using var client = new HttpClient(new SocketsHttpHandler { UseProxy = false, AllowAutoRedirect = false, MaxConnectionsPerServer = 1 })
        {
            BaseAddress = new Uri($"http://127.0.0.1:{port}"),
            DefaultRequestVersion = HttpVersion.Version11,
            DefaultVersionPolicy = HttpVersionPolicy.RequestVersionExact,
            Timeout = TimeSpan.FromSeconds(10),
        };

        // The stop token is checked between requests only: cancelling one in flight would count as a failure.
        while (!_stop.IsCancellationRequested)
        {
            try
            {
                using var request = new HttpRequestMessage(HttpMethod.Get, path);
                request.Headers.Host = host;
                using var response = await client.SendAsync(request);
                var body = await response.Content.ReadAsStringAsync();
                if (!response.IsSuccessStatusCode || !isExpected(body))
                {
                    _failures.Enqueue($"{(int)response.StatusCode}: {body.Trim()}");
                }
                else
                {
                    Interlocked.Increment(ref _succeeded);
                }
            }
            catch (Exception ex) when (ex is HttpRequestException or IOException or TaskCanceledException)
            {
                _failures.Enqueue($"{ex.GetType().Name}: {ex.Message}");
            }
        }
    }
}
