namespace Sluice.Gateway.Upstreams.HealthChecking;

/// <summary>The result of one active check of one endpoint.</summary>
internal enum HealthCheckResult
{
    Healthy = 0,

    /// <summary>The endpoint answered with a status outside the expected ones: unhealthy at once, as in Envoy.</summary>
    UnexpectedStatus = 1,

    /// <summary>No answer within the timeout: counts towards the unhealthy threshold.</summary>
    Timeout = 2,

    /// <summary>Connection refused or reset: counts towards the unhealthy threshold.</summary>
    NetworkError = 3,
}
