using System.Collections.Concurrent;
using System.Net;
using System.Text.Json;
using Sluice.EndToEnd.Tests.Harness;

namespace Sluice.EndToEnd.Tests.Filters.Transformation;

/// <summary>A template edited while requests flow applies live, and no request fails or goes untransformed meanwhile.</summary>
public sealed class TransformationReloadTests
{
    [Fact]
    public async Task ChangingATemplateUnderLoad_AppliesWithZeroFailures()
    {
        await using var echo = await TestBackend.StartAsync("echo");
        await using var gateway = await GatewayFixture.StartAsync(g =>
        {
            g.WriteFile("upstream.yaml", Yaml.Upstream("echo", echo.Port));
            g.WriteFile("vs.yaml", VirtualService("v0"));
        });

        var failures = new ConcurrentQueue<string>();
        var seen = new ConcurrentDictionary<string, int>();
        using var stop = new CancellationTokenSource();
        var loops = Enumerable.Range(0, 4).Select(_ => Task.Run(() => LoadAsync(gateway, failures, seen, stop.Token))).ToList();

        for (var version = 1; version <= 5; version++)
        {
            await Task.Delay(150);
            var text = $"v{version}";
            await gateway.ApplyAsync(() => gateway.WriteFileByRename("vs.yaml", VirtualService(text)));
        }

        // The last version must be observed by the load itself, within the reload bound.
        var deadline = DateTime.UtcNow.AddSeconds(5);
        while (!seen.ContainsKey("v5") && DateTime.UtcNow < deadline)
        {
            await Task.Delay(20);
        }

        await stop.CancelAsync();
        await Task.WhenAll(loops);

        Assert.True(failures.IsEmpty, $"{failures.Count} failures: {string.Join(" | ", failures.Take(5))}");
        Assert.Contains("v5", seen.Keys);
        Assert.True(seen.Values.Sum() > 50, $"only {seen.Values.Sum()} requests completed");
    }

    private static async Task LoadAsync(GatewayFixture gateway, ConcurrentQueue<string> failures, ConcurrentDictionary<string, int> seen, CancellationToken stop)
    {
        using var client = gateway.CreateClient();
        while (!stop.IsCancellationRequested)
        {
            try
            {
                using var request = new HttpRequestMessage(HttpMethod.Post, "/live") { Content = new StringContent("""{"n":1}""") };
                using var response = await client.SendAsync(request, CancellationToken.None);
                var text = await response.Content.ReadAsStringAsync(CancellationToken.None);
                var echo = response.StatusCode == HttpStatusCode.OK ? JsonSerializer.Deserialize<EchoResponse>(text, EchoResponse.JsonOptions) : null;
                if (echo is null || !echo.Headers.TryGetValue("x-version", out var version) || echo.Body != $$"""{"version":"{{version}}","n":1}""")
                {
                    failures.Enqueue($"{(int)response.StatusCode}: {text}");
                    continue;
                }

                seen.AddOrUpdate(version, 1, (_, count) => count + 1);
            }
            catch (Exception ex) when (ex is HttpRequestException or IOException or TaskCanceledException)
            {
                failures.Enqueue($"{ex.GetType().Name}: {ex.Message}");
            }
        }
    }

    private static string VirtualService(string version) => """
        apiVersion: gateway.solo.io/v1
        kind: VirtualService
        metadata:
          name: live
          namespace: default
        spec:
          virtualHost:
            domains: ['*']
            routes:
              - matchers: [{prefix: /live}]
                routeAction: {single: {upstream: {name: echo}}}
                options:
                  transformations:
                    requestTransformation:
                      transformationTemplate:
                        headers:
                          x-version: {text: 'VERSION'}
                        body: {text: '{"version":"VERSION","n":{{ n }}}'}

        """.Replace("VERSION", version, StringComparison.Ordinal);
}
