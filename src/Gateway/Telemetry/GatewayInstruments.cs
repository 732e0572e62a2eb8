using System.Diagnostics.Metrics;

namespace Sluice.Gateway.Telemetry;

/// <summary>
/// The instruments other parts of the gateway listen to (the Prometheus exporter, the dashboard's rolling
/// windows). Every Sluice meter is named <c>Sluice.*</c> so one exporter registration picks them all up.
/// </summary>
public static class GatewayInstruments
{
    public const string MeterName = "Sluice.Gateway";

    /// <summary>Every Sluice meter matches this wildcard (e.g. <c>Sluice.Wasm</c>, <c>Sluice.Kubernetes</c>).</summary>
    public const string MeterWildcard = "Sluice.*";

    public const string RequestsName = "sluice.requests";

    public static readonly Meter Meter = new(MeterName);

    /// <summary>
    /// One per completed downstream request, with the tags <c>virtual_host</c>, <c>route</c>, <c>upstream</c> and
    /// <c>status_class</c> (<c>1xx</c>…<c>5xx</c>). Tag values come from configuration names, never from raw paths.
    /// </summary>
    public static readonly Counter<long> Requests = Meter.CreateCounter<long>(RequestsName, unit: "{request}", description: "Completed downstream requests.");
}
