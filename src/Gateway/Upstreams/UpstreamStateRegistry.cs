using System.Collections.Concurrent;
using Microsoft.Extensions.Logging.Abstractions;
using Sluice.Gateway.DataPlane;

namespace Sluice.Gateway.Upstreams;

/// <summary>
/// Every upstream's long-lived runtime state by name (<c>namespace/name</c>), and through it every endpoint's by
/// address. The translator looks states up while building a snapshot's clusters, so the same upstream and address
/// keep their ejection, health and counters across reloads; after a config is applied, what it no longer mentions
/// is forgotten. Also carries what the runtime needs from the host: time, randomness and a logger.
/// </summary>
internal sealed class UpstreamStateRegistry
{
    private readonly ConcurrentDictionary<string, UpstreamState> _upstreams = new(StringComparer.Ordinal);

    public UpstreamStateRegistry()
        : this(TimeProvider.System, Random.Shared, NullLogger.Instance)
    {
    }

    public UpstreamStateRegistry(TimeProvider time, Random random, ILogger logger)
    {
        Time = time;
        Random = random;
        Logger = logger;
    }

    public TimeProvider Time { get; }

    /// <summary>Thread-safe randomness for load balancing and enforcement draws (<see cref="Random.Shared"/> in production).</summary>
    public Random Random { get; }

    public ILogger Logger { get; }

    public int Count => _upstreams.Count;

    public UpstreamState Get(string name) => _upstreams.GetOrAdd(name, static n => new UpstreamState(n));

    public bool TryGet(string name, out UpstreamState state) => _upstreams.TryGetValue(name, out state!);

    /// <summary>Forgets upstreams and endpoints the live config no longer has. Runs after each config is applied.</summary>
    public void Retain(IEnumerable<UpstreamCluster> clusters)
    {
        var live = new Dictionary<string, HashSet<string>>(StringComparer.Ordinal);
        foreach (var cluster in clusters)
        {
            if (!live.TryGetValue(cluster.Name, out var addresses))
            {
                addresses = new HashSet<string>(StringComparer.Ordinal);
                live[cluster.Name] = addresses;
            }

            foreach (var endpoint in cluster.Endpoints)
            {
                addresses.Add(endpoint.Address);
            }
        }

        foreach (var (name, state) in _upstreams)
        {
            if (live.TryGetValue(name, out var addresses))
            {
                state.Retain(addresses);
            }
            else if (_upstreams.TryRemove(name, out _))
            {
                state.Retain([]);
            }
        }
    }
}
