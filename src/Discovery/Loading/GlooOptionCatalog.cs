using System.Collections.Frozen;
using Sluice.Discovery.Model;

namespace Sluice.Discovery.Loading;

/// <summary>
/// Gloo's route and virtual-host option names that Sluice has no filter for yet. A user bringing Gloo YAML gets
/// "not supported yet" rather than "unknown field". Ignoring most of them would change what is served or weaken
/// a policy, so they are errors; the few whose absence only loses observability or resilience are warnings.
/// </summary>
internal static class GlooOptionCatalog
{
    private static readonly FrozenSet<string> WarningOnly = FrozenSet.ToFrozenSet(
    [
        "tracing", "stats", "upgrades", "envoyMetadata", "maxStreamDuration", "idleTimeout",
        "appendXForwardedHost", "corsPolicyMergeSettings",

        // Listener-level (httpGateway.options) settings of Gloo's HTTP connection manager.
        "grpcWeb", "healthCheck", "grpcJsonTranscoder", "proxyLatency", "caching",
        "leftmostXffAddress", "connectionLimit", "router", "sanitizeClusterHeader", "statefulSession", "tap",
        "dynamicForwardProxy",
    ], StringComparer.Ordinal);

    private static readonly FrozenSet<string> Known = FrozenSet.ToFrozenSet(
    [
        "jwtProvidersStaged", "waf", "dlp", "ratelimit", "ratelimitBasic", "ratelimitEarly", "ratelimitRegular",
        "rateLimitConfigs", "rateLimitEarlyConfigs", "rateLimitRegularConfigs", "ratelimitEarlyBasic",
        "ratelimitRegularBasic", "csrf", "autoHostRewrite", "hostRewriteHeader", "hostRewritePathRegex", "extProc",
        "ai", "wasm", "extensions", "headerValidationSettings", "clusterHeader", "networkLocalRatelimit",
        "disableExtProc",
        .. WarningOnly,
    ], StringComparer.Ordinal);

    /// <summary>Every Gloo option name known here, for the CRD schema (which must let them through to be reported).</summary>
    public static IEnumerable<string> Names => Known;

    public static DiagnosticSeverity? SeverityOf(string optionName) =>
        !Known.Contains(optionName) ? null
        : WarningOnly.Contains(optionName) ? DiagnosticSeverity.Warning
        : DiagnosticSeverity.Error;
}
