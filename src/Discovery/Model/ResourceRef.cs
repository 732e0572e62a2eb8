namespace Sluice.Discovery.Model;

/// <summary>Gloo's <c>core.solo.io.ResourceRef</c>: a name and an optional namespace (defaults to the referrer's).</summary>
public sealed record ResourceRef
{
    [Sluice.Filters.RequiredField]
    public string Name { get; init; } = string.Empty;

    public string? Namespace { get; init; }

    public ResourceId Resolve(ResourceKind kind, string referrerNamespace) =>
        new(kind, string.IsNullOrEmpty(Namespace) ? referrerNamespace : Namespace, Name);
}
