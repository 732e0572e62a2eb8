using Sluice.Discovery.Model;

namespace Sluice.Discovery.Graph;

/// <summary>A set of resources indexed for lookups by id and by kind; the input of cross-resource checks and translation.</summary>
public sealed class ResourceIndex
{
    private readonly Dictionary<ResourceId, Resource> _byId;

    /// <param name="defined">Every resource the sources define, served or not, so that a reference to a rejected
    /// resource can say so instead of "does not exist". Defaults to the indexed resources.</param>
    public ResourceIndex(IEnumerable<Resource> resources, IReadOnlySet<ResourceId>? defined = null)
    {
        _byId = resources.ToDictionary(r => r.Id);
        Defined = defined ?? _byId.Keys.ToHashSet();
        VirtualServices = Sorted<VirtualService>();
        RouteTables = Sorted<RouteTable>();
        Gateways = Sorted<Gateway>();
    }

    public IReadOnlyCollection<Resource> All => _byId.Values;

    public IReadOnlySet<ResourceId> Defined { get; }

    public IReadOnlyList<VirtualService> VirtualServices { get; }

    public IReadOnlyList<RouteTable> RouteTables { get; }

    public IReadOnlyList<Gateway> Gateways { get; }

    public bool Contains(ResourceId id) => _byId.ContainsKey(id);

    public T? Get<T>(ResourceId id)
        where T : Resource => _byId.TryGetValue(id, out var resource) ? resource as T : null;

    private List<T> Sorted<T>()
        where T : Resource =>
        [.. _byId.Values.OfType<T>().OrderBy(r => r.Namespace, StringComparer.Ordinal).ThenBy(r => r.Metadata.Name, StringComparer.Ordinal)];
}
