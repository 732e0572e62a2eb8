namespace Sluice.Gateway.Telemetry.Metrics;

/// <summary>The <c>status_class</c> tag: one of six fixed strings, so a status never allocates or widens cardinality.</summary>
internal static class StatusClass
{
    private static readonly string[] Classes = ["other", "1xx", "2xx", "3xx", "4xx", "5xx"];

    public static string Of(int status)
    {
        var hundreds = status / 100;
        return hundreds is >= 1 and <= 5 ? Classes[hundreds] : Classes[0];
    }
}
