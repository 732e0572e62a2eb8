namespace Sluice.EndToEnd.Tests.Telemetry;

/// <summary>
/// Metrics are process-wide (one static meter) and every gateway in the test process exports what all of them
/// measure, so the telemetry tests run alone, after the parallel ones.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class TelemetryCollection
{
    public const string Name = "telemetry";
}
