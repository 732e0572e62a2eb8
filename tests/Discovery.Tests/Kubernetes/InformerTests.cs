using System.Globalization;
using k8s.Models;
using Microsoft.Extensions.Logging.Abstractions;
using Sluice.Discovery.Kubernetes;
using Sluice.Discovery.Kubernetes.Informers;
using Sluice.Kubernetes.Fixture;

namespace Sluice.Discovery.Tests.Kubernetes;

/// <summary>List-then-watch against the fixture, with the faults a real API server produces.</summary>
public sealed class InformerTests
{
    private static readonly InformerOptions FastRetries = new() { InitialBackoff = TimeSpan.FromMilliseconds(20), MaxBackoff = TimeSpan.FromMilliseconds(200) };

    [Fact]
    public async Task Lists_then_watches_and_keeps_the_cache_in_step()
    {
        await using var api = await KubernetesApiFixture.StartAsync();
        api.Create("v1", "services", Service("a"));
        await using var run = await Run.StartAsync(api);

        api.Create("v1", "services", Service("b"));
        api.Apply("v1", "services", Service("a", color: "red"));
        api.Delete("v1", "services", "team", "b");
        await Eventually.TrueAsync(() => run.Events.Count == 4, "four events");

        Assert.Equal(["Added a", "Added b", "Modified a", "Deleted b"], run.Events);
        Assert.Equal("red", Assert.Single(run.Informer.Items).Metadata.Labels["color"]);
        Assert.Equal(1, run.Informer.Relists);
    }

    [Fact]
    public async Task Gone_relists_without_clearing_the_cache_and_emits_only_the_differences()
    {
        await using var api = await KubernetesApiFixture.StartAsync();
        api.Create("v1", "services", Service("stays"));
        api.Create("v1", "services", Service("changes"));
        api.Create("v1", "services", Service("goes"));
        await using var run = await Run.StartAsync(api);
        await Eventually.TrueAsync(() => api.OpenWatches == 1, "watch open");

        // Changes the watch misses: the stream breaks with 410 and the history is gone, with a storm of two more 410s.
        api.DropWatches();
        api.Apply("v1", "services", Service("changes", color: "red"));
        api.Delete("v1", "services", "team", "goes");
        api.Create("v1", "services", Service("new"));
        api.ExpireHistory(rejectNextWatches: 2);
        await Eventually.TrueAsync(() => run.Events.Count == 6, "the relist's differences");
        var cacheSizes = run.CacheSizesSeen;

        Assert.Equal(["Added changes", "Added goes", "Added stays", "Modified changes", "Deleted goes", "Added new"],
            [.. run.Events.Take(3).Order(StringComparer.Ordinal), .. run.Events.Skip(3).Order(StringComparer.Ordinal).OrderBy(e => e[0] == 'A' ? 2 : e[0] == 'D' ? 1 : 0)]);
        Assert.DoesNotContain(0, cacheSizes.Skip(1));
        Assert.True(run.Informer.Relists >= 2);
        Assert.Equal(["changes", "new", "stays"], run.Informer.Items.Select(s => s.Metadata.Name).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task A_dropped_watch_resumes_from_the_last_version_with_no_missed_or_repeated_event()
    {
        await using var api = await KubernetesApiFixture.StartAsync();
        await using var run = await Run.StartAsync(api);
        var watches = 0;
        for (var i = 0; i < 20; i++)
        {
            api.Create("v1", "services", Service($"s{i:00}"));
            if (i % 5 == 4)
            {
                await Eventually.TrueAsync(() => api.WatchesStarted > watches, "a new watch open");
                watches = api.WatchesStarted;

                // The next two watch requests fail, so changes pile up while the informer is between watches.
                api.FailNextRequests(2, 500, r => r.IsWatch);
                api.DropWatches();
            }
        }

        await Eventually.TrueAsync(() => run.Events.Count >= 20 && run.Informer.ResourceVersion == api.ResourceVersion.ToString(CultureInfo.InvariantCulture), "all events");
        await Task.Delay(200);

        Assert.Equal(Enumerable.Range(0, 20).Select(i => $"Added s{i:00}"), run.Events);
        Assert.Equal(1, run.Informer.Relists);
        Assert.True(run.Informer.WatchRestarts >= 4);
    }

    [Fact]
    public async Task Bookmarks_advance_the_version_the_next_watch_resumes_from()
    {
        await using var api = await KubernetesApiFixture.StartAsync(bookmarkInterval: TimeSpan.FromHours(1));
        api.Create("v1", "services", Service("a"));
        await using var run = await Run.StartAsync(api);
        await Eventually.TrueAsync(() => api.OpenWatches == 1, "watch open");
        var listed = run.Informer.ResourceVersion;

        api.AdvanceResourceVersion(10);
        api.SendBookmarks();
        var bookmarked = api.ResourceVersion.ToString(CultureInfo.InvariantCulture);
        await Eventually.TrueAsync(() => run.Informer.ResourceVersion == bookmarked, "bookmark applied");
        api.DropWatches();
        await Eventually.TrueAsync(() => api.Requests.Count(r => r.IsWatch && r.Query.Contains("resourceVersion=" + bookmarked, StringComparison.Ordinal)) == 1, "resumed from the bookmark");

        Assert.NotEqual(listed, bookmarked);
        Assert.Equal(["Added a"], run.Events);
    }

    [Fact]
    public async Task Api_down_keeps_the_cache_and_catches_up_when_it_returns()
    {
        await using var api = await KubernetesApiFixture.StartAsync();
        api.Create("v1", "services", Service("a"));
        await using var run = await Run.StartAsync(api);
        await Eventually.TrueAsync(() => run.Informer.IsWatching, "watching");

        await api.StopAcceptingAsync();
        await Eventually.TrueAsync(() => !run.Informer.IsWatching, "watch down");
        api.Create("v1", "services", Service("b"));
        await Task.Delay(300);
        var duringOutage = run.Informer.Items.Select(s => s.Metadata.Name).ToList();
        await api.ResumeAcceptingAsync();
        await Eventually.TrueAsync(() => run.Informer.Items.Count == 2, "caught up", TimeSpan.FromSeconds(20));

        Assert.Equal(["a"], duringOutage);
        Assert.Equal(["Added a", "Added b"], run.Events);
    }

    [Fact]
    public async Task Server_errors_on_the_first_list_are_retried_until_synced()
    {
        await using var api = await KubernetesApiFixture.StartAsync();
        api.Create("v1", "services", Service("a"));
        api.FailNextRequests(3, 500);
        await using var run = await Run.StartAsync(api);

        Assert.True(run.Informer.HasSynced);
        Assert.Equal(["Added a"], run.Events);
        Assert.True(api.Requests.Count(r => !r.IsWatch) >= 4);
    }

    private static System.Text.Json.Nodes.JsonObject Service(string name, string color = "blue") =>
        KubernetesObjects.Service("team", name, [("http", 80, 8080)], new Dictionary<string, string> { ["color"] = color });

    /// <summary>An informer of Services in namespace team, recording the events it raises and the cache size at each.</summary>
    private sealed class Run : IAsyncDisposable
    {
        private readonly CancellationTokenSource _stop = new();
        private readonly List<string> _events = [];
        private readonly List<int> _cacheSizes = [];
        private Task _loop = Task.CompletedTask;
        private k8s.Kubernetes? _client;

        public Informer<V1Service> Informer { get; private set; } = null!;

        public IReadOnlyList<string> Events
        {
            get
            {
                lock (_events)
                {
                    return [.. _events];
                }
            }
        }

        public IReadOnlyList<int> CacheSizesSeen
        {
            get
            {
                lock (_events)
                {
                    return [.. _cacheSizes];
                }
            }
        }

        public static async Task<Run> StartAsync(KubernetesApiFixture api)
        {
            var run = new Run { _client = api.CreateClient() };
            run.Informer = new Informer<V1Service>(KubernetesApi.Services(run._client, "team"), FastRetries, TimeProvider.System, new Random(7), NullLogger.Instance);
            run.Informer.Changed += change =>
            {
                lock (run._events)
                {
                    run._events.Add($"{change.Type} {change.Item.Metadata.Name}");
                    run._cacheSizes.Add(run.Informer.Items.Count);
                }
            };
            run._loop = run.Informer.RunAsync(run._stop.Token);
            await run.Informer.Synced.WaitAsync(TimeSpan.FromSeconds(15));
            return run;
        }

        public async ValueTask DisposeAsync()
        {
            await _stop.CancelAsync();
            await _loop.WaitAsync(TimeSpan.FromSeconds(10));
            _client?.Dispose();
            _stop.Dispose();
        }
    }
}
