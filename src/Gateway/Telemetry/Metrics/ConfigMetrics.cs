namespace Sluice.Gateway.Telemetry.Metrics;

/// <summary>Reload counts and durations, reported by the config store and the reload service.</summary>
internal static class ConfigMetrics
{
    public static void Applied(TimeSpan elapsed)
    {
        GatewayInstruments.ConfigReloads.Add(1, new KeyValuePair<string, object?>("result", "applied"));
        GatewayInstruments.ConfigReloadDuration.Record(elapsed.TotalSeconds);
    }

    public static void Failed() => GatewayInstruments.ConfigReloads.Add(1, new KeyValuePair<string, object?>("result", "failed"));
}
