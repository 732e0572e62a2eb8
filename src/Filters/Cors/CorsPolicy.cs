namespace Sluice.Filters.Cors;

/// <summary>
/// Gloo's <c>cors</c> option (<c>CorsPolicy</c>). Origins match exactly (case-sensitive) or by a regex that must
/// match the whole origin; <c>*</c> in <c>allowOrigin</c> allows any origin. Lists are sent comma-joined, as Gloo
/// joins them for Envoy.
/// </summary>
public sealed record CorsPolicy
{
    public IReadOnlyList<string> AllowOrigin { get; init; } = [];

    public IReadOnlyList<string> AllowOriginRegex { get; init; } = [];

    public IReadOnlyList<string> AllowMethods { get; init; } = [];

    public IReadOnlyList<string> AllowHeaders { get; init; } = [];

    public IReadOnlyList<string> ExposeHeaders { get; init; } = [];

    /// <summary>Seconds as a string, as in Gloo (<c>"86400"</c>); Sluice also accepts a duration (<c>"24h"</c>).</summary>
    public string MaxAge { get; init; } = string.Empty;

    public bool AllowCredentials { get; init; }

    /// <summary>On a route: turn off the virtual host's CORS policy for this route.</summary>
    public bool DisableForRoute { get; init; }
}
