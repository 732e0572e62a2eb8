namespace Sluice.Filters.Retry;

/// <summary>
/// Envoy's fully jittered exponential back-off (JitteredExponentialBackOffStrategy): the wait before retry <c>n</c> is
/// uniform in [0, window) milliseconds, where the window starts at the base interval and doubles with every retry until
/// doubling would pass half the maximum, from then on it is the maximum.
/// </summary>
internal static class RetryBackoff
{
    /// <summary>Envoy's default base interval when a retry policy sets none.</summary>
    public static readonly TimeSpan DefaultBaseInterval = TimeSpan.FromMilliseconds(25);

    /// <summary>Envoy's default maximum: ten times the base interval.</summary>
    public const int DefaultMaxMultiplier = 10;

    /// <summary>The wait before retry <paramref name="retry"/> (1 for the first retry).</summary>
    public static TimeSpan Delay(int retry, long baseMilliseconds, long maxMilliseconds, Random random) =>
        TimeSpan.FromMilliseconds(random.NextInt64(Window(retry, baseMilliseconds, maxMilliseconds)));

    /// <summary>The exclusive upper bound, in milliseconds, of the wait before retry <paramref name="retry"/>.</summary>
    public static long Window(int retry, long baseMilliseconds, long maxMilliseconds)
    {
        var window = Math.Max(1, baseMilliseconds);
        var max = Math.Max(window, maxMilliseconds);
        for (var i = 1; i < retry && window < max; i++)
        {
            // Checked against half the maximum first, so that doubling never overflows.
            window = window >= max / 2 ? max : window * 2;
        }

        return window;
    }
}
