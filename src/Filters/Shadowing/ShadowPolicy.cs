namespace Sluice.Filters.Shadowing;

/// <summary>Where a route mirrors requests: an Upstream by name, resolved against the snapshot at request time.</summary>
internal sealed class ShadowPolicy(string name, string? @namespace)
{
    /// <summary>A request body up to this size is mirrored once the gateway holds it whole; larger bodies are not mirrored.</summary>
    public const int DefaultMaxBodyBytes = 64 * 1024;

    private readonly string? _key = string.IsNullOrEmpty(@namespace) ? null : $"{@namespace}/{name}";

    public string Name { get; } = name;

    public string? Namespace { get; } = string.IsNullOrEmpty(@namespace) ? null : @namespace;

    /// <summary>
    /// The Upstream's <c>namespace/name</c>. Without a namespace, the VirtualService's (<paramref name="virtualHostName"/>
    /// is its <c>namespace/name</c>), as Sluice resolves other references from a VirtualService.
    /// </summary>
    public string ClusterKey(string virtualHostName)
    {
        if (_key is not null)
        {
            return _key;
        }

        var slash = virtualHostName.IndexOf('/', StringComparison.Ordinal);
        return string.Concat(slash > 0 ? virtualHostName.AsSpan(0, slash) : "default", "/", Name);
    }
}
