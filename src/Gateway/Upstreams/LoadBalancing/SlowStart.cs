namespace Sluice.Gateway.Upstreams.LoadBalancing;

/// <summary>
/// Envoy's slow start for round robin and least request: for <see cref="Window"/> after an endpoint joins an existing
/// upstream (or passes its health check again) its weight is scaled by
/// <c>max(minWeightPercent, (time in window / window)^(1/aggression))</c>. Sluice applies the factor as an acceptance
/// probability on the balancer's pick (up to three draws), which needs no per-pick weights and no allocation.
/// </summary>
internal sealed class SlowStart(TimeSpan window, double aggression, double minWeightPercent)
{
    public const int MaxDraws = 3;

    public TimeSpan Window { get; } = window;

    public double Aggression { get; } = aggression;

    public double MinWeightPercent { get; } = minWeightPercent;

    /// <summary>The share (0-1] of its weight the endpoint gets at <paramref name="now"/>; 1 outside the window.</summary>
    public double Factor(EndpointState endpoint, long now, TimeProvider time)
    {
        var since = endpoint.ServingSince;
        if (since == long.MinValue || now <= since)
        {
            return since == long.MinValue ? 1 : MinWeightPercent / 100;
        }

        var elapsed = time.GetElapsedTime(since, now);
        if (elapsed >= Window)
        {
            return 1;
        }

        var ramp = Math.Pow(elapsed.TotalMilliseconds / Window.TotalMilliseconds, 1 / Aggression);
        return Math.Max(MinWeightPercent / 100, ramp);
    }
}
