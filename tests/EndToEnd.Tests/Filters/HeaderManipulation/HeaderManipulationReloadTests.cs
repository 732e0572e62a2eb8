using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Json;
using Sluice.EndToEnd.Tests.Harness;

namespace Sluice.EndToEnd.Tests.Filters.HeaderManipulation;

/// <summary>
/// Changing a header value under steady load: every request runs one compiled chain from start to end, so the
/// value the backend received and the value the client got back always come from the same version.
/// </summary>
public sealed class HeaderManipulationReloadTests
{
    [Fact]
    public async Task ChangingAValueUnderLoad_EveryResponseCarriesTheOldOrTheNewValue_NeverAMix()
    {
        await using var backend = await TestBackend.StartAsync("a");
        await using var gateway = await GatewayFixture.StartAsync(g =>
        {
            g.WriteFile("upstream.yaml", Yaml.Upstream("a", backend.Port));
            g.WriteFile("vs.yaml", Config("v0"));
        });

        var failures = new ConcurrentQueue<string>();
        var seen = new ConcurrentDictionary<string, int>();
        using var stop = new CancellationTokenSource();
        var loops = Enumerable.Range(0, 4).Select(_ => Task.Run(() => LoopAsync(gateway, failures, seen, stop.Token))).ToArray();

        using var probe = gateway.CreateClient();
        await Task.Delay(200);
        for (var version = 1; version <= 6; version++)
        {
            var value = $"v{version}";
            gateway.WriteFileByRename("vs.yaml", Config(value));
            await UntilServedAsync(probe, value);
            await Task.Delay(100);
        }

        await stop.CancelAsync();
        await Task.WhenAll(loops);

        Assert.True(failures.IsEmpty, $"{failures.Count} failures: {string.Join(" | ", failures.Take(5))}");
        Assert.All(seen.Keys, key => Assert.Matches("^v[0-6]$", key));
        Assert.True(seen.Count >= 4, $"the load saw only {string.Join(", ", seen.Keys)}");
        Assert.True(seen.Values.Sum() > 100, $"only {seen.Values.Sum()} requests completed");
    }

    private static async Task UntilServedAsync(HttpClient client, string value)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        while (DateTime.UtcNow < deadline)
        {
            using var response = await client.GetAsync("/x");
            if (response.Headers.TryGetValues("x-config-version", out var values) && values.SequenceEqual([value]))
            {
                return;
            }

            await Task.Delay(10);
        }

        throw new TimeoutException($"x-config-version {value} not served within 10s");
    }

    private static async Task LoopAsync(GatewayFixture gateway, ConcurrentQueue<string> failures, ConcurrentDictionary<string, int> seen, CancellationToken stop)
    {
        using var client = gateway.CreateClient();
        while (!stop.IsCancellationRequested)
        {
            try
            {
                using var response = await client.GetAsync("/x", CancellationToken.None);
                if (response.StatusCode != HttpStatusCode.OK)
                {
                    failures.Enqueue($"status {(int)response.StatusCode}");
                    continue;
                }

                var echo = (await response.Content.ReadFromJsonAsync<EchoResponse>(EchoResponse.JsonOptions, CancellationToken.None))!;
                var returned = response.Headers.TryGetValues("x-config-version", out var values) ? values.ToArray() : [];
                var forwarded = echo.Headers.GetValueOrDefault("x-config-version");
                if (returned.Length != 1 || forwarded != returned[0])
                {
                    failures.Enqueue($"backend saw '{forwarded}', client got [{string.Join(", ", returned)}]");
                    continue;
                }

                seen.AddOrUpdate(returned[0], 1, (_, count) => count + 1);
            }
            catch (Exception ex) when (ex is HttpRequestException or IOException or TaskCanceledException)
            {
                failures.Enqueue($"{ex.GetType().Name}: {ex.Message}");
            }
        }
    }

    private static string Config(string value) => HeaderManipulationTests.VirtualService("vs", hostOptions: $"""
              headerManipulation:
                requestHeadersToAdd:
                  - header:
                      key: x-config-version
                      value: {value}
                    append: false
                responseHeadersToAdd:
                  - header:
                      key: x-config-version
                      value: {value}
                    append: false
        """, routes: Yaml.PrefixRoute("/", "a"));
}
