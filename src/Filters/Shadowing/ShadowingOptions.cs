namespace Sluice.Filters.Shadowing;

/// <summary>Gloo's <c>shadowing</c> (<c>shadowing.options.gloo.solo.io.RouteShadowing</c>): Envoy's request mirroring on a route.</summary>
public sealed record ShadowingOptions
{
    /// <summary>The Upstream that receives the copies.</summary>
    [RequiredField]
    public ShadowUpstreamRef Upstream { get; init; } = new();

    /// <summary>The share of requests mirrored, 0 to 100 (fractions allowed); 0 when omitted, as in Gloo.</summary>
    public double Percentage { get; init; }
}

/// <summary>Gloo's <c>ResourceRef</c> to an Upstream; the namespace defaults to the VirtualService's.</summary>
public sealed record ShadowUpstreamRef
{
    [RequiredField]
    public string Name { get; init; } = string.Empty;

    public string? Namespace { get; init; }
}
