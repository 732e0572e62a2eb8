namespace Sluice.Discovery.Model;

/// <summary>
/// Gloo's <c>outlierDetection</c> (Envoy's OutlierDetection): consecutive-failure ejection. Success-rate and
/// failure-percentage detection are not implemented; their fields are reported and ignored.
/// </summary>
[GlooUnsupported(DiagnosticSeverity.Warning, "enforcingSuccessRate", "successRateMinimumHosts", "successRateRequestVolume",
    "successRateStdevFactor", "enforcingLocalOriginSuccessRate", "failurePercentageThreshold", "enforcingFailurePercentage",
    "enforcingFailurePercentageLocalOrigin", "failurePercentageMinimumHosts", "failurePercentageRequestVolume",
    "maxEjectionTimeJitter", "successfulActiveHealthCheckUnejectHost", "monitors", "alwaysEjectOneHost")]
public sealed record OutlierDetectionConfig
{
    /// <summary>Consecutive 5xx (and, unless split, local-origin failures) before ejection; defaults to 5.</summary>
    public uint? Consecutive5xx { get; init; }

    /// <summary>Time between ejection sweeps; defaults to 10s.</summary>
    public TimeSpan? Interval { get; init; }

    /// <summary>Ejection lasts this times the number of times the endpoint was ejected; defaults to 30s.</summary>
    public TimeSpan? BaseEjectionTime { get; init; }

    /// <summary>Sluice accepts Envoy's cap on one ejection (not in Gloo's API); defaults to 300s or baseEjectionTime if larger.</summary>
    public TimeSpan? MaxEjectionTime { get; init; }

    /// <summary>At most this percent of the endpoints may be ejected at once; defaults to 10.</summary>
    public uint? MaxEjectionPercent { get; init; }

    /// <summary>Percent chance a consecutive-5xx detection really ejects; defaults to 100.</summary>
    public uint? EnforcingConsecutive5xx { get; init; }

    /// <summary>Consecutive 502/503/504 (and, unless split, local-origin failures) before ejection; defaults to 5.</summary>
    public uint? ConsecutiveGatewayFailure { get; init; }

    /// <summary>Percent chance a consecutive-gateway-failure detection really ejects; defaults to 0, as in Envoy.</summary>
    public uint? EnforcingConsecutiveGatewayFailure { get; init; }

    /// <summary>Count connection failures, resets and timeouts apart from HTTP 5xx responses.</summary>
    public bool SplitExternalLocalOriginErrors { get; init; }

    /// <summary>Consecutive local-origin failures before ejection when split; defaults to 5.</summary>
    public uint? ConsecutiveLocalOriginFailure { get; init; }

    /// <summary>Percent chance a consecutive-local-origin detection really ejects; defaults to 100.</summary>
    public uint? EnforcingConsecutiveLocalOriginFailure { get; init; }
}
