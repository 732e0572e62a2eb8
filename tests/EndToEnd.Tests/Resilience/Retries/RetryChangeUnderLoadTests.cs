using System.Collections.Concurrent;
using System.Net;
using System.Text;
using Sluice.EndToEnd.Tests.Harness;
using Sluice.EndToEnd.Tests.Routing.Support;
using Xunit.Abstractions;

namespace Sluice.EndToEnd.Tests.Resilience.Retries;

/// <summary>
/// The retry policy is changed live, many times, while clients keep sending to a backend that fails half of all
/// requests once: every version of the policy masks those failures, so any failed request is one the change caused.
/// </summary>
public sealed class RetryChangeUnderLoadTests(ITestOutputHelper output)
{
    private const int Changes = 16;
    private const int Concurrency = 6;

    private static readonly string[] Policies =
    [
        "retries: {retryOn: 5xx, numRetries: 3, retryNonIdempotent: true}",
        "retries: {retryOn: 'gateway-error,reset', numRetries: 2, perTryTimeout: 5s, retryNonIdempotent: true, retryBackOff: {baseInterval: 5ms, maxInterval: 20ms}}",
        "retries: {retryOn: 'retriable-status-codes,connect-failure', retriableStatusCodes: [503], numRetries: 1, maxReplayBytes: 2048, retryNonIdempotent: true}",
    ];

    [Fact]
    public async Task ChangingRetryOptionsUnderLoad_CausesNoFailedRequest()
    {
        await using var flaky = await FaultyBackend.FailingOnceAsync("flaky");
        await using var gateway = await GatewayFixture.StartAsync(g =>
        {
            // Six clients may retry at once: above Envoy's default retry budget of 3.
            g.WriteFile("upstreams.yaml", RouteYaml.Upstream("flaky", [flaky.Port], extraSpec: "circuitBreakers: {maxRetries: 100}"));
            g.WriteFile("vs.yaml", VirtualService(Policies[0] + "\nincludeAttemptCountInResponse: true"));
        });

        var load = new RequestLoad(gateway);
        load.Start(Concurrency);
        try
        {
            for (var i = 1; i <= Changes; i++)
            {
                var policy = Policies[i % Policies.Length] + (i % 2 == 0 ? "\nincludeAttemptCountInResponse: true" : string.Empty);
                await gateway.ApplyAsync(() => gateway.WriteFileByRename("vs.yaml", VirtualService(policy)));
                await Task.Delay(150);
            }
        }
        finally
        {
            await load.StopAsync();
        }

        output.WriteLine(load.Describe());
        Assert.Empty(load.Failures);
        Assert.True(load.Passed > 200, load.Describe());
        Assert.True(load.Retried > 50, $"the backend's failures should have been retried under load: {load.Describe()}");
    }

    private static string VirtualService(string options) => RouteYaml.VirtualService("vs", RouteYaml.Route("prefix: /", "flaky", options: options));

    /// <summary>Concurrent loops (half HTTP/1.1, half h2c) of GETs and small JSON POSTs, each to a path of its own.</summary>
    private sealed class RequestLoad(GatewayFixture gateway)
    {
        private readonly ConcurrentQueue<string> _failures = new();
        private readonly CancellationTokenSource _stop = new();
        private readonly List<Task> _loops = [];
        private int _passed;
        private int _retried;

        public IReadOnlyCollection<string> Failures => _failures;

        public int Passed => Volatile.Read(ref _passed);

        public int Retried => Volatile.Read(ref _retried);

        public void Start(int concurrency)
        {
            for (var i = 0; i < concurrency; i++)
            {
                var loop = i;
                _loops.Add(Task.Run(() => RunAsync(loop, loop % 2 == 0 ? HttpVersion.Version11 : HttpVersion.Version20)));
            }
        }

        public async Task StopAsync()
        {
            await _stop.CancelAsync();
            await Task.WhenAll(_loops);
            _stop.Dispose();
        }

        public string Describe() => $"passed {Passed}, retried {Retried}, failures {_failures.Count}: {string.Join(" | ", _failures.Take(5))}";

        private async Task RunAsync(int loop, Version version)
        {
            using var client = gateway.CreateClient(version);
            for (var round = 0; !_stop.IsCancellationRequested; round++)
            {
                var path = $"/loop{loop}/{round}";
                var post = round % 3 == 0;
                try
                {
                    using var request = new HttpRequestMessage(post ? HttpMethod.Post : HttpMethod.Get, path)
                    {
                        Version = version,
                        VersionPolicy = HttpVersionPolicy.RequestVersionExact,
                        Content = post ? new StringContent($"{{\"round\":{round}}}", Encoding.UTF8, "application/json") : null,
                    };
                    using var response = await client.SendAsync(request);
                    var body = await response.Content.ReadAsStringAsync();
                    if (response.StatusCode == HttpStatusCode.OK && body.Contains(path, StringComparison.Ordinal))
                    {
                        Interlocked.Increment(ref _passed);
                        if (response.Headers.TryGetValues("x-envoy-attempt-count", out var attempts) && attempts.First() != "1")
                        {
                            Interlocked.Increment(ref _retried);
                        }
                    }
                    else
                    {
                        _failures.Enqueue($"HTTP/{version} {request.Method} {path}: {(int)response.StatusCode} {body[..Math.Min(body.Length, 80)]}");
                    }
                }
                catch (Exception ex) when (ex is HttpRequestException or IOException or TaskCanceledException)
                {
                    _failures.Enqueue($"HTTP/{version} {path}: {ex.GetType().Name}: {ex.Message}");
                }
            }
        }
    }
}
