namespace Sluice.Gateway.Upstreams;

/// <summary>Durations in the units of <see cref="TimeProvider.GetTimestamp"/>, so deadlines are one comparison on the request path.</summary>
internal static class TimestampMath
{
    public static long ToTimestampUnits(this TimeProvider time, TimeSpan duration) =>
        duration >= TimeSpan.FromDays(3650) ? long.MaxValue / 4 : (long)(duration.Ticks * ((double)time.TimestampFrequency / TimeSpan.TicksPerSecond));
}
