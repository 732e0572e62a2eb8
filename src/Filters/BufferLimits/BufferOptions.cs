namespace Sluice.Filters.BufferLimits;

/// <summary>
/// Gloo's <c>buffer</c> (Envoy's buffer filter config): the largest request body a route accepts. Gloo takes it in a
/// Gateway's <c>httpGateway.options</c>; Sluice also on virtual hosts and routes, always overridden by <c>bufferPerRoute</c>.
/// </summary>
public sealed record BufferOptions
{
    /// <summary>Bodies above this many bytes are refused with 413. Required and above zero, as in Gloo.</summary>
    [RequiredField]
    public uint MaxRequestBytes { get; init; }
}

/// <summary>
/// Gloo's <c>bufferPerRoute</c> on virtual hosts, routes and weighted destinations: exactly one of <c>disabled: true</c>
/// (no limit here) or <c>buffer</c> (this limit here), overriding the listener-wide <c>buffer</c>.
/// </summary>
public sealed record BufferPerRouteOptions
{
    public bool? Disabled { get; init; }

    public BufferOptions? Buffer { get; init; }
}
