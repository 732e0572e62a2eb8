using Sluice.EndToEnd.Tests.Harness;

namespace Sluice.EndToEnd.Tests.Routing.Support;

/// <summary>Several echo backends, each with an Upstream of the same name in namespace default.</summary>
internal sealed class BackendSet : IAsyncDisposable
{
    private readonly Dictionary<string, TestBackend> _backends;

    private BackendSet(Dictionary<string, TestBackend> backends)
    {
        _backends = backends;
    }

    public TestBackend this[string name] => _backends[name];

    /// <summary>Requests that reached any of the backends.</summary>
    public int TotalRequests => _backends.Values.Sum(b => b.RequestCount);

    public static async Task<BackendSet> StartAsync(params string[] names)
    {
        var started = await Task.WhenAll(names.Select(name => TestBackend.StartAsync(name)));
        return new BackendSet(started.ToDictionary(b => b.Name));
    }

    /// <summary>One Upstream per backend, named after it.</summary>
    public string UpstreamsYaml() => RouteYaml.Documents([.. _backends.Values.Select(b => RouteYaml.Upstream(b.Name, b.Port))]);

    public async ValueTask DisposeAsync()
    {
        foreach (var backend in _backends.Values)
        {
            await backend.DisposeAsync();
        }
    }
}
