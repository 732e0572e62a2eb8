using System.Diagnostics;
using System.Net;
using Sluice.EndToEnd.Tests.Harness;
using Xunit.Abstractions;

namespace Sluice.EndToEnd.Tests.Reload;

/// <summary>
/// File changes apply live, without a restart, and are visible within the reload bound. Every test first observes the
/// old behaviour, then changes a file and measures from the write to the first request that shows the new one.
/// </summary>
public sealed class HotReloadTests(ITestOutputHelper output)
{
    [Fact]
    public async Task AddingAFile_NewRouteAppears()
    {
        await using var a = await TestBackend.StartAsync("a");
        await using var b = await TestBackend.StartAsync("b");
        await using var gateway = await GatewayFixture.StartAsync(g =>
        {
            g.WriteFile("upstreams.yaml", Yaml.Upstream("a", a.Port) + "---\n" + Yaml.Upstream("b", b.Port));
            g.WriteFile("vs-a.yaml", Yaml.VirtualService("vs-a", Yaml.PrefixRoute("/a", "a"), "a.test"));
        });
        using var client = gateway.CreateClient();
        Assert.Equal("a", (await Probe.SendAsync(client, "a.test", "/a")).Backend);
        Assert.Equal(HttpStatusCode.NotFound, (await Probe.SendAsync(client, "b.test", "/b")).Status);

        var watch = Stopwatch.StartNew();
        gateway.WriteFile("vs-b.yaml", Yaml.VirtualService("vs-b", Yaml.PrefixRoute("/b", "b"), "b.test"));
        var elapsed = await Probe.UntilBackendAsync(watch, client, "b.test", "/b", "b");

        Report("add file", elapsed);
        Assert.Equal("a", (await Probe.SendAsync(client, "a.test", "/a")).Backend);
    }

    [Fact]
    public async Task EditingAFileInPlace_ChangesTheRoute()
    {
        await using var a = await TestBackend.StartAsync("a");
        await using var b = await TestBackend.StartAsync("b");
        await using var gateway = await GatewayFixture.StartAsync(g =>
        {
            g.WriteFile("upstreams.yaml", Yaml.Upstream("a", a.Port) + "---\n" + Yaml.Upstream("b", b.Port));
            g.WriteFile("vs.yaml", Yaml.VirtualService("vs", Yaml.PrefixRoute("/app", "a")));
        });
        using var client = gateway.CreateClient();
        Assert.Equal("a", (await Probe.SendAsync(client, "example.test", "/app")).Backend);

        var watch = Stopwatch.StartNew();
        gateway.WriteFile("vs.yaml", Yaml.VirtualService("vs", Yaml.PrefixRoute("/app", "b")));
        var elapsed = await Probe.UntilBackendAsync(watch, client, "example.test", "/app", "b");

        Report("edit in place", elapsed);
        Assert.Equal(0, (await gateway.GetStatusAsync("VirtualService", "vs")).GetProperty("reasons").GetArrayLength());
    }

    [Fact]
    public async Task DeletingAFile_RemovesItsRoute_AndIsNotAnError()
    {
        await using var a = await TestBackend.StartAsync("a");
        await using var b = await TestBackend.StartAsync("b");
        await using var gateway = await GatewayFixture.StartAsync(g =>
        {
            g.WriteFile("upstreams.yaml", Yaml.Upstream("a", a.Port) + "---\n" + Yaml.Upstream("b", b.Port));
            g.WriteFile("vs-a.yaml", Yaml.VirtualService("vs-a", Yaml.PrefixRoute("/a", "a"), "a.test"));
            g.WriteFile("vs-b.yaml", Yaml.VirtualService("vs-b", Yaml.PrefixRoute("/b", "b"), "b.test"));
        });
        using var client = gateway.CreateClient();
        Assert.Equal("b", (await Probe.SendAsync(client, "b.test", "/b")).Backend);

        var watch = Stopwatch.StartNew();
        gateway.DeleteFile("vs-b.yaml");
        var elapsed = await Probe.UntilStatusAsync(watch, client, "b.test", "/b", HttpStatusCode.NotFound);

        Report("delete file", elapsed);
        Assert.Equal("a", (await Probe.SendAsync(client, "a.test", "/a")).Backend);
        await Assert.ThrowsAsync<InvalidOperationException>(() => gateway.GetStatusAsync("VirtualService", "vs-b"));
        using var config = await gateway.GetAdminConfigAsync();
        Assert.All(config.RootElement.GetProperty("resources").EnumerateArray(), r => Assert.Equal("Accepted", r.GetProperty("status").GetString()));
        Assert.Equal(0, config.RootElement.GetProperty("fileProblems").GetArrayLength());
    }

    [Fact]
    public async Task EmptyingAFileOnPurpose_RemovesItsResources()
    {
        await using var a = await TestBackend.StartAsync("a");
        await using var gateway = await GatewayFixture.StartAsync(g =>
        {
            g.WriteFile("upstreams.yaml", Yaml.Upstream("a", a.Port));
            g.WriteFile("vs.yaml", Yaml.VirtualService("vs", Yaml.PrefixRoute("/a", "a"), "a.test"));
        });
        using var client = gateway.CreateClient();
        Assert.Equal("a", (await Probe.SendAsync(client, "a.test", "/a")).Backend);

        // An empty file is given a moment in case a writer is still saving it in place, then taken at its word.
        var watch = Stopwatch.StartNew();
        gateway.WriteFile("vs.yaml", string.Empty);
        var elapsed = await Probe.UntilStatusAsync(watch, client, "a.test", "/a", HttpStatusCode.NotFound);

        Report("empty a file", elapsed);
        await Assert.ThrowsAsync<InvalidOperationException>(() => gateway.GetStatusAsync("VirtualService", "vs"));
    }

    [Fact]
    public async Task RenamingAFile_KeepsServingWithoutAGap_AndRenamingItAwayRemovesIt()
    {
        await using var a = await TestBackend.StartAsync("a");
        await using var gateway = await GatewayFixture.StartAsync(g =>
        {
            g.WriteFile("upstreams.yaml", Yaml.Upstream("a", a.Port));
            g.WriteFile("vs.yaml", Yaml.VirtualService("vs", Yaml.PrefixRoute("/a", "a"), "a.test"));
        });
        using var client = gateway.CreateClient();
        var renamed = Path.Combine(gateway.ConfigDirectory, "renamed.yaml");

        // A rename is atomic, so no snapshot may miss the resource: a request loop runs across it.
        using var stop = new CancellationTokenSource();
        var failures = 0;
        var requests = 0;
        var loop = Task.Run(async () =>
        {
            using var loopClient = gateway.CreateClient();
            while (!stop.IsCancellationRequested)
            {
                Interlocked.Increment(ref requests);
                if ((await Probe.SendAsync(loopClient, "a.test", "/a")).Backend != "a")
                {
                    Interlocked.Increment(ref failures);
                }
            }
        });

        var version = gateway.Version;
        var watch = Stopwatch.StartNew();
        File.Move(Path.Combine(gateway.ConfigDirectory, "vs.yaml"), renamed);
        var elapsed = await Probe.UntilAsync(watch, async () =>
            (await gateway.GetStatusAsync("VirtualService", "vs")).GetProperty("file").GetString() == renamed, "status names the renamed file");
        await stop.CancelAsync();
        await loop;

        Report("rename file", elapsed);
        Assert.True(gateway.Version > version);
        Assert.True(requests > 0);
        Assert.Equal(0, failures);

        watch.Restart();
        File.Move(renamed, renamed + ".disabled");
        elapsed = await Probe.UntilStatusAsync(watch, client, "a.test", "/a", HttpStatusCode.NotFound);
        Report("rename to a non-YAML name", elapsed);
    }

    [Fact]
    public async Task EditorSaveByRename_AppliesTheNewContent()
    {
        await using var a = await TestBackend.StartAsync("a");
        await using var b = await TestBackend.StartAsync("b");
        await using var gateway = await GatewayFixture.StartAsync(g =>
        {
            g.WriteFile("upstreams.yaml", Yaml.Upstream("a", a.Port) + "---\n" + Yaml.Upstream("b", b.Port));
            g.WriteFile("vs.yaml", Yaml.VirtualService("vs", Yaml.PrefixRoute("/app", "a")));
        });
        using var client = gateway.CreateClient();
        Assert.Equal("a", (await Probe.SendAsync(client, "example.test", "/app")).Backend);

        var watch = Stopwatch.StartNew();
        gateway.WriteFileByRename("vs.yaml", Yaml.VirtualService("vs", Yaml.PrefixRoute("/app", "b")));
        var elapsed = await Probe.UntilBackendAsync(watch, client, "example.test", "/app", "b");
        Report("save by rename", elapsed);

        // A second save the same way: the watcher must still see the file after it was replaced.
        watch.Restart();
        gateway.WriteFileByRename("vs.yaml", Yaml.VirtualService("vs", Yaml.PrefixRoute("/app", "a")));
        elapsed = await Probe.UntilBackendAsync(watch, client, "example.test", "/app", "a");
        Report("second save by rename", elapsed);

        // The editor's swap file is hidden; it never becomes a resource or a problem.
        using var config = await gateway.GetAdminConfigAsync();
        Assert.Equal(0, config.RootElement.GetProperty("fileProblems").GetArrayLength());
        Assert.DoesNotContain(".swp", config.RootElement.GetRawText(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task NestedSubdirectories_NewAndExisting_AreWatched()
    {
        await using var a = await TestBackend.StartAsync("a");
        await using var b = await TestBackend.StartAsync("b");
        await using var gateway = await GatewayFixture.StartAsync(g =>
        {
            g.WriteFile("upstreams.yaml", Yaml.Upstream("a", a.Port) + "---\n" + Yaml.Upstream("b", b.Port));
            g.WriteFile(Path.Combine("teams", "search", "vs.yaml"), Yaml.VirtualService("search", Yaml.PrefixRoute("/search", "a"), "search.test"));
        });
        using var client = gateway.CreateClient();
        Assert.Equal("a", (await Probe.SendAsync(client, "search.test", "/search")).Backend);

        // A file in a directory that existed at start-up, edited in place.
        var watch = Stopwatch.StartNew();
        gateway.WriteFile(Path.Combine("teams", "search", "vs.yaml"), Yaml.VirtualService("search", Yaml.PrefixRoute("/search", "b"), "search.test"));
        var elapsed = await Probe.UntilBackendAsync(watch, client, "search.test", "/search", "b");
        Report("edit in an existing subdirectory", elapsed);

        // A file in directories created after start-up, three levels down.
        var nested = Path.Combine("teams", "payments", "v1", "vs.yaml");
        watch.Restart();
        gateway.WriteFile(nested, Yaml.VirtualService("payments", Yaml.PrefixRoute("/pay", "a"), "pay.test"));
        elapsed = await Probe.UntilBackendAsync(watch, client, "pay.test", "/pay", "a");
        Report("new file in new subdirectories", elapsed);

        watch.Restart();
        gateway.WriteFile(nested, Yaml.VirtualService("payments", Yaml.PrefixRoute("/pay", "b"), "pay.test"));
        elapsed = await Probe.UntilBackendAsync(watch, client, "pay.test", "/pay", "b");
        Report("edit in a new subdirectory", elapsed);

        watch.Restart();
        Directory.Delete(Path.Combine(gateway.ConfigDirectory, "teams", "payments"), recursive: true);
        elapsed = await Probe.UntilStatusAsync(watch, client, "pay.test", "/pay", HttpStatusCode.NotFound);
        Report("delete a subdirectory", elapsed);
        Assert.Equal("b", (await Probe.SendAsync(client, "search.test", "/search")).Backend);
    }

    [Fact]
    public async Task MultiDocumentFile_EveryDocumentApplies_AndRemovingOneRemovesOnlyIt()
    {
        await using var a = await TestBackend.StartAsync("a");
        await using var b = await TestBackend.StartAsync("b");
        await using var gateway = await GatewayFixture.StartAsync();
        using var client = gateway.CreateClient();

        var one = Yaml.VirtualService("one", Yaml.PrefixRoute("/one", "a"), "one.test");
        var two = Yaml.VirtualService("two", Yaml.PrefixRoute("/two", "b"), "two.test");
        var upstreams = Yaml.Upstream("a", a.Port) + "---\n" + Yaml.Upstream("b", b.Port);

        var watch = Stopwatch.StartNew();
        gateway.WriteFile("bundle.yaml", upstreams + "---\n" + one + "---\n" + two);
        var elapsed = await Probe.UntilBackendAsync(watch, client, "two.test", "/two", "b");
        Report("multi-document file added", elapsed);
        Assert.Equal("a", (await Probe.SendAsync(client, "one.test", "/one")).Backend);

        // Drop the last document and repoint the first route in the same write.
        watch.Restart();
        gateway.WriteFile("bundle.yaml", upstreams + "---\n" + Yaml.VirtualService("one", Yaml.PrefixRoute("/one", "b"), "one.test"));
        elapsed = await Probe.UntilBackendAsync(watch, client, "one.test", "/one", "b");
        Report("multi-document file edited", elapsed);
        Assert.Equal(HttpStatusCode.NotFound, (await Probe.SendAsync(client, "two.test", "/two")).Status);
        await Assert.ThrowsAsync<InvalidOperationException>(() => gateway.GetStatusAsync("VirtualService", "two"));
    }

    private void Report(string change, TimeSpan elapsed)
    {
        output.WriteLine($"{change}: new behaviour visible {elapsed.TotalMilliseconds:F0} ms after the write");
        Assert.True(elapsed < Probe.ReloadBound, $"{change} took {elapsed.TotalMilliseconds:F0} ms to become visible; the bound is {Probe.ReloadBound.TotalMilliseconds} ms");
    }
}
