using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging.Abstractions;
using Sluice.Discovery.Kubernetes;
using Sluice.Discovery.Kubernetes.Informers;
using Sluice.Discovery.Loading;
using Sluice.Discovery.Model;
using Sluice.Filters;
using Sluice.Kubernetes.Fixture;

namespace Sluice.Discovery.Tests.Kubernetes;

/// <summary>The cluster as a resource source: what a scan yields, and which changes signal a rebuild.</summary>
public sealed class KubernetesResourceSourceTests
{
    [Fact]
    public async Task Only_referenced_secrets_enter_the_pipeline_and_only_their_changes_signal()
    {
        await using var api = await KubernetesApiFixture.StartAsync();
        RegisterCrds(api);
        api.Create("v1", "secrets", KubernetesObjects.Secret("shop", "upstream-tls", new Dictionary<string, string> { ["tls.crt"] = "CERT", ["tls.key"] = "KEY" }, "kubernetes.io/tls"));
        api.Create("v1", "secrets", KubernetesObjects.Secret("shop", "unrelated", new Dictionary<string, string> { ["password"] = "x" }));
        api.Create("gateway.sluice.dev/v1", "upstreams", KubernetesObjects.Custom("gateway.sluice.dev/v1", "Upstream", "shop", "secure",
            """{"static":{"hosts":[{"addr":"127.0.0.1","port":8443}]},"sslConfig":{"secretRef":{"name":"upstream-tls","namespace":"shop"}}}"""));
        await using var source = await StartAsync(api, new KubernetesSourceOptions());
        var signals = 0;
        source.Changed += () => Interlocked.Increment(ref signals);

        var secrets = Resources(source.Scan()).OfType<Secret>().ToList();
        var secret = Assert.Single(secrets);
        Assert.Equal("upstream-tls", secret.Metadata.Name);
        Assert.True(secret.Spec.TryGetString("tls.crt", out var certificate));
        Assert.Equal("CERT", certificate);
        Assert.Equal("k8s:core/Secret/shop/upstream-tls", secret.Origin.File);

        api.Apply("v1", "secrets", KubernetesObjects.Secret("shop", "unrelated", new Dictionary<string, string> { ["password"] = "y" }));
        api.Apply("v1", "secrets", KubernetesObjects.Secret("shop", "upstream-tls", new Dictionary<string, string> { ["tls.crt"] = "ROTATED", ["tls.key"] = "KEY2" }, "kubernetes.io/tls"));
        await Eventually.TrueAsync(() => Volatile.Read(ref signals) >= 1, "the rotation signalled");
        await Task.Delay(200);

        Assert.Equal(1, Volatile.Read(ref signals));
        Assert.True(Resources(source.Scan()).OfType<Secret>().Single().Spec.TryGetString("tls.crt", out var rotated));
        Assert.Equal("ROTATED", rotated);
    }

    [Fact]
    public async Task Crds_load_like_files_and_status_only_changes_do_not_signal()
    {
        await using var api = await KubernetesApiFixture.StartAsync();
        RegisterCrds(api);
        api.Create("gateway.sluice.dev/v1", "virtualservices", KubernetesObjects.Custom("gateway.sluice.dev/v1", "VirtualService", "shop", "vs",
            """{"virtualHost":{"domains":["a.example"],"routes":[{"matchers":[{"prefix":"/"}],"directResponseAction":{"status":200}}]}}"""));
        await using var source = await StartAsync(api, new KubernetesSourceOptions());
        var signals = 0;
        source.Changed += () => Interlocked.Increment(ref signals);

        var file = Assert.Single(source.Scan(), f => f.Path.Contains("VirtualService", StringComparison.Ordinal));
        api.UpdateStatus("gateway.sluice.dev/v1", "virtualservices", "shop", "vs", new JsonObject { ["state"] = "Accepted" });
        await Task.Delay(300);
        var afterStatus = Volatile.Read(ref signals);
        api.Apply("gateway.sluice.dev/v1", "virtualservices", KubernetesObjects.Custom("gateway.sluice.dev/v1", "VirtualService", "shop", "vs",
            """{"virtualHost":{"domains":["b.example"],"routes":[{"matchers":[{"prefix":"/"}],"directResponseAction":{"status":200}}]}}"""));
        await Eventually.TrueAsync(() => Volatile.Read(ref signals) > 0, "the spec change signalled");

        Assert.Equal("k8s:gateway.sluice.dev/VirtualService/shop/vs", file.Path);
        Assert.IsType<VirtualService>(Assert.Single(file.Documents).Resource);
        Assert.Equal(0, afterStatus);
    }

    [Fact]
    public async Task A_namespace_selector_limits_what_is_used_and_follows_label_changes()
    {
        await using var api = await KubernetesApiFixture.StartAsync();
        RegisterCrds(api);
        api.Create("v1", "namespaces", KubernetesObjects.Namespace("in", new Dictionary<string, string> { ["sluice"] = "enabled" }));
        api.Create("v1", "namespaces", KubernetesObjects.Namespace("out"));
        api.Create("v1", "services", KubernetesObjects.Service("in", "a", [("http", 80, 8080)]));
        api.Create("v1", "services", KubernetesObjects.Service("out", "b", [("http", 80, 8080)]));
        await using var source = await StartAsync(api, new KubernetesSourceOptions { NamespaceSelector = "sluice=enabled" });

        Assert.Equal(["in-a-80"], Resources(source.Scan()).OfType<Upstream>().Select(u => u.Metadata.Name));
        api.Apply("v1", "namespaces", KubernetesObjects.Namespace("out", new Dictionary<string, string> { ["sluice"] = "enabled" }));
        await Eventually.TrueAsync(() => Resources(source.Scan()).OfType<Upstream>().Count() == 2, "the relabelled namespace is used");
    }

    private static IEnumerable<Resource> Resources(IReadOnlyList<LoadedFile> files) =>
        files.SelectMany(f => f.Documents).Select(d => d.Resource).OfType<Resource>();

    private static void RegisterCrds(KubernetesApiFixture api)
    {
        foreach (var kind in WatchedKind.All(glooCrds: false))
        {
            api.RegisterCustomResource(kind.Group, kind.Version, kind.Plural, kind.KindName, namespaced: !kind.ClusterScoped);
        }
    }

    private static async Task<KubernetesResourceSource> StartAsync(KubernetesApiFixture api, KubernetesSourceOptions options)
    {
        var source = new KubernetesResourceSource(api.CreateClient(), options with { Informer = new InformerOptions { InitialBackoff = TimeSpan.FromMilliseconds(20) } },
            new ResourceFileLoader(FilterRegistry.Default), TimeProvider.System, NullLoggerFactory.Instance);
        source.Start();
        await source.WaitForSyncAsync(CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(15));
        return source;
    }
}
