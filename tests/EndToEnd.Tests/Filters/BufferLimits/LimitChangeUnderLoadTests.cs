using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using Sluice.EndToEnd.Tests.Harness;
using Xunit.Abstractions;

namespace Sluice.EndToEnd.Tests.Filters.BufferLimits;

/// <summary>
/// The limit is changed live, many times, under a steady load of uploads: bodies within every limit always pass
/// intact, bodies between the two limits get 200 or 413 depending on the limit in force, and nothing else ever
/// happens (no 5xx, no reset, no corrupted echo).
/// </summary>
public sealed class LimitChangeUnderLoadTests(ITestOutputHelper output)
{
    private const int Small = 500;
    private const int Large = 5000;
    private const int Strict = 2000;
    private const int Loose = 20_000;
    private const int Changes = 20;
    private const int Concurrency = 6;

    [Fact]
    public async Task ChangingTheLimitUnderLoad_AppliesEachTime_WithNoUnexpectedFailure()
    {
        var sink = new BodySink();
        await using var backend = await TestBackend.StartAsync("sink", sink.Handler());
        await using var gateway = await GatewayFixture.StartAsync(g =>
        {
            g.WriteFile("upstream.yaml", Yaml.Upstream("sink", backend.Port));
            g.WriteFile("vs.yaml", VirtualService(Loose));
        });

        var load = new UploadLoad(gateway);
        load.Start(Concurrency);
        var watch = Stopwatch.StartNew();
        var applyTimes = new List<double>();
        try
        {
            for (var i = 1; i <= Changes; i++)
            {
                var limit = i % 2 == 1 ? Strict : Loose;
                var applying = Stopwatch.StartNew();
                // Written as editors and ConfigMap updates do (rename over), so the file is never seen half-written.
                await gateway.ApplyAsync(() => gateway.WriteFileByRename("vs.yaml", VirtualService(limit)));
                var expected = limit == Strict ? HttpStatusCode.RequestEntityTooLarge : HttpStatusCode.OK;
                await UntilAsync(applying, async () => await UploadStatusAsync(gateway, Large, chunked: i % 4 < 2) == expected, $"limit {limit} in force");
                applyTimes.Add(applying.Elapsed.TotalMilliseconds);

                // Let the load run under this limit for a moment.
                await Task.Delay(100);
            }
        }
        finally
        {
            await load.StopAsync();
        }

        output.WriteLine($"{Changes} limit changes in {watch.Elapsed.TotalSeconds:F1} s, apply ms max {applyTimes.Max():F0}; {load.Describe()}");
        Assert.Empty(load.Failures);
        Assert.True(load.SmallPassed > 200, load.Describe());
        Assert.True(load.LargePassed > 20 && load.LargeRefused > 20, $"both limits should have been seen under load: {load.Describe()}");
    }

    private static string VirtualService(int limit) => $"""
        apiVersion: gateway.sluice.dev/v1
        kind: VirtualService
        metadata:
          name: uploads
          namespace: default
        spec:
          virtualHost:
            domains: ['*']
            routes:
              - matchers:
                  - prefix: /
                routeAction:
                  single:
                    upstream:
                      name: sink
                options:
                  bufferPerRoute:
                    buffer:
                      maxRequestBytes: {limit}

        """;

    private static async Task<HttpStatusCode> UploadStatusAsync(GatewayFixture gateway, int size, bool chunked)
    {
        using var client = gateway.CreateClient();
        using var request = new HttpRequestMessage(HttpMethod.Post, "/upload") { Content = UploadLoad.Body(size, chunked) };
        using var response = await client.SendAsync(request);
        return response.StatusCode;
    }

    private static async Task UntilAsync(Stopwatch since, Func<Task<bool>> condition, string what)
    {
        while (!await condition())
        {
            if (since.Elapsed > TimeSpan.FromSeconds(5))
            {
                throw new TimeoutException($"{what}: not seen within 5 s");
            }

            await Task.Delay(10);
        }
    }

    /// <summary>Concurrent loops, each on its own connection (half HTTP/1.1, half h2c), alternating small and large uploads.</summary>
    private sealed class UploadLoad(GatewayFixture gateway)
    {
        private readonly ConcurrentQueue<string> _failures = new();
        private readonly CancellationTokenSource _stop = new();
        private readonly List<Task> _loops = [];
        private int _smallPassed;
        private int _largePassed;
        private int _largeRefused;

        public IReadOnlyCollection<string> Failures => _failures;

        public int SmallPassed => Volatile.Read(ref _smallPassed);

        public int LargePassed => Volatile.Read(ref _largePassed);

        public int LargeRefused => Volatile.Read(ref _largeRefused);

        public static HttpContent Body(int size, bool chunked)
        {
            var payload = BufferLimitsEnvironment.Payload(size);
            return chunked ? new StreamedContent(payload, pieceSize: 1000) : new ByteArrayContent(payload);
        }

        public void Start(int concurrency)
        {
            for (var i = 0; i < concurrency; i++)
            {
                var version = i % 2 == 0 ? HttpVersion.Version11 : HttpVersion.Version20;
                _loops.Add(Task.Run(() => RunAsync(version)));
            }
        }

        public async Task StopAsync()
        {
            await _stop.CancelAsync();
            await Task.WhenAll(_loops);
            _stop.Dispose();
        }

        public string Describe() =>
            $"small passed {SmallPassed}, large passed {LargePassed}, large refused {LargeRefused}, failures {_failures.Count}: {string.Join(" | ", _failures.Take(5))}";

        private async Task RunAsync(Version version)
        {
            using var client = gateway.CreateClient(version);
            var round = 0;
            while (!_stop.IsCancellationRequested)
            {
                round++;
                var large = round % 2 == 0;
                var size = large ? Large : Small;
                var chunked = round % 3 == 0;
                try
                {
                    using var request = new HttpRequestMessage(HttpMethod.Post, "/upload")
                    {
                        Version = version,
                        VersionPolicy = HttpVersionPolicy.RequestVersionExact,
                        Content = Body(size, chunked),
                    };
                    using var response = await client.SendAsync(request);
                    var body = await response.Content.ReadAsByteArrayAsync();
                    if (response.StatusCode == HttpStatusCode.OK && body.AsSpan().SequenceEqual(BufferLimitsEnvironment.Payload(size)))
                    {
                        Interlocked.Increment(ref large ? ref _largePassed : ref _smallPassed);
                    }
                    else if (large && response.StatusCode == HttpStatusCode.RequestEntityTooLarge)
                    {
                        Interlocked.Increment(ref _largeRefused);
                    }
                    else
                    {
                        _failures.Enqueue($"HTTP/{version} {(chunked ? "chunked" : "declared")} {size} B: {(int)response.StatusCode} with {body.Length} B");
                    }
                }
                catch (Exception ex) when (ex is HttpRequestException or IOException or TaskCanceledException)
                {
                    _failures.Enqueue($"HTTP/{version} {(chunked ? "chunked" : "declared")} {size} B: {ex.GetType().Name}: {ex.Message}");
                }
            }
        }
    }
}
