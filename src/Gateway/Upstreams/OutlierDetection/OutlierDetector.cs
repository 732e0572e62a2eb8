using Sluice.Discovery.Model;
using Sluice.Gateway.DataPlane;
using Yarp.ReverseProxy.Forwarder;

namespace Sluice.Gateway.Upstreams.OutlierDetection;

/// <summary>
/// Envoy's consecutive-failure outlier detection for one upstream in one snapshot. Every attempt's outcome updates
/// the endpoint's counters (in its long-lived state); reaching a threshold ejects the endpoint for
/// <c>baseEjectionTime × times ejected</c> (capped by <c>maxEjectionTime</c>) if the enforcing percentage allows and
/// no more than <c>maxEjectionPercent</c> of the endpoints would then be ejected. Ejected endpoints are skipped by the
/// pick until their time passes, checked lazily on the request path and by the interval sweep.
/// </summary>
internal sealed class OutlierDetector
{
    public OutlierDetector(OutlierDetectionConfig config)
    {
        Consecutive5xx = (int)(config.Consecutive5xx ?? 5);
        ConsecutiveGatewayFailure = (int)(config.ConsecutiveGatewayFailure ?? 5);
        ConsecutiveLocalOriginFailure = (int)(config.ConsecutiveLocalOriginFailure ?? 5);
        EnforcingConsecutive5xx = (int)(config.EnforcingConsecutive5xx ?? 100);
        EnforcingConsecutiveGatewayFailure = (int)(config.EnforcingConsecutiveGatewayFailure ?? 0);
        EnforcingConsecutiveLocalOriginFailure = (int)(config.EnforcingConsecutiveLocalOriginFailure ?? 100);
        Interval = config.Interval ?? TimeSpan.FromSeconds(10);
        BaseEjectionTime = config.BaseEjectionTime ?? TimeSpan.FromSeconds(30);
        var max = config.MaxEjectionTime ?? TimeSpan.FromSeconds(300);
        MaxEjectionTime = max < BaseEjectionTime ? BaseEjectionTime : max;
        MaxEjectionPercent = (int)(config.MaxEjectionPercent ?? 10);
        SplitExternalLocalOriginErrors = config.SplitExternalLocalOriginErrors;
    }

    public int Consecutive5xx { get; }

    public int ConsecutiveGatewayFailure { get; }

    public int ConsecutiveLocalOriginFailure { get; }

    public int EnforcingConsecutive5xx { get; }

    public int EnforcingConsecutiveGatewayFailure { get; }

    public int EnforcingConsecutiveLocalOriginFailure { get; }

    public TimeSpan Interval { get; }

    public TimeSpan BaseEjectionTime { get; }

    public TimeSpan MaxEjectionTime { get; }

    public int MaxEjectionPercent { get; }

    public bool SplitExternalLocalOriginErrors { get; }

    /// <summary>A signature of the settings: the sweep loop restarts only when it changes.</summary>
    public string Describe() =>
        $"consecutive5xx {Consecutive5xx} ({EnforcingConsecutive5xx}%), consecutiveGatewayFailure {ConsecutiveGatewayFailure} ({EnforcingConsecutiveGatewayFailure}%), "
        + $"consecutiveLocalOriginFailure {ConsecutiveLocalOriginFailure} ({EnforcingConsecutiveLocalOriginFailure}%, split {SplitExternalLocalOriginErrors}), "
        + $"interval {Interval.TotalMilliseconds}ms, baseEjectionTime {BaseEjectionTime.TotalMilliseconds}ms, maxEjectionTime {MaxEjectionTime.TotalMilliseconds}ms, maxEjectionPercent {MaxEjectionPercent}";

    public void Report(UpstreamCluster cluster, UpstreamEndpoint endpoint, int statusCode, ForwarderError error)
    {
        var state = endpoint.State;
        switch (AttemptOutcomes.Classify(statusCode, error))
        {
            case AttemptOutcome.Success:
                state.Reset5xx();
                state.ResetGatewayFailures();
                state.ResetLocalOriginFailures();
                break;
            case AttemptOutcome.ServerError:
                state.ResetGatewayFailures();
                if (SplitExternalLocalOriginErrors)
                {
                    state.ResetLocalOriginFailures();
                }

                Check5xx(cluster, endpoint);
                break;
            case AttemptOutcome.GatewayFailure:
                if (SplitExternalLocalOriginErrors)
                {
                    state.ResetLocalOriginFailures();
                }

                CheckGatewayFailure(cluster, endpoint);
                break;
            case AttemptOutcome.LocalOriginFailure when SplitExternalLocalOriginErrors:
                if (state.RecordLocalOriginFailure() >= ConsecutiveLocalOriginFailure)
                {
                    state.ResetLocalOriginFailures();
                    TryEject(cluster, endpoint, EnforcingConsecutiveLocalOriginFailure, "consecutive local-origin failures");
                }

                break;
            case AttemptOutcome.LocalOriginFailure:
                // Not split: Envoy maps a connection failure, reset or timeout to a 503, a gateway failure and a 5xx.
                CheckGatewayFailure(cluster, endpoint);
                break;
        }
    }

    /// <summary>The interval sweep: returns endpoints whose ejection ended and forgives those that stayed healthy.</summary>
    public void Sweep(UpstreamCluster cluster)
    {
        var time = cluster.Time;
        var now = time.GetTimestamp();
        var baseTicks = time.ToTimestampUnits(BaseEjectionTime);
        foreach (var endpoint in cluster.Endpoints)
        {
            if (endpoint.State.TryReturn(now))
            {
                UpstreamLog.Returned(cluster.Logger, cluster.Name, endpoint.Address);
                continue;
            }

            endpoint.State.DecayEjectionMultiplier(now, baseTicks);
        }
    }

    private void CheckGatewayFailure(UpstreamCluster cluster, UpstreamEndpoint endpoint)
    {
        var state = endpoint.State;
        var gateway = state.RecordGatewayFailure();
        if (Check5xx(cluster, endpoint))
        {
            state.ResetGatewayFailures();
            return;
        }

        if (gateway >= ConsecutiveGatewayFailure)
        {
            state.ResetGatewayFailures();
            TryEject(cluster, endpoint, EnforcingConsecutiveGatewayFailure, "consecutive gateway failures");
        }
    }

    private bool Check5xx(UpstreamCluster cluster, UpstreamEndpoint endpoint)
    {
        if (endpoint.State.Record5xx() < Consecutive5xx)
        {
            return false;
        }

        endpoint.State.Reset5xx();
        return TryEject(cluster, endpoint, EnforcingConsecutive5xx, "consecutive 5xx");
    }

    private bool TryEject(UpstreamCluster cluster, UpstreamEndpoint endpoint, int enforcing, string reason)
    {
        var state = endpoint.State;
        if (state.IsForgotten || enforcing <= 0 || (enforcing < 100 && cluster.Random.Next(100) >= enforcing))
        {
            return false;
        }

        var time = cluster.Time;
        var now = time.GetTimestamp();
        if (state.IsEjected(now))
        {
            return false;
        }

        // An ejection that ran out but was not noticed yet ends first, so it is not counted twice.
        if (state.TryReturn(now))
        {
            UpstreamLog.Returned(cluster.Logger, cluster.Name, endpoint.Address);
        }

        var upstream = cluster.State;
        if (!upstream.TryCountEjection(cluster.Endpoints.Length, MaxEjectionPercent))
        {
            UpstreamLog.EjectionOverflow(cluster.Logger, cluster.Name, endpoint.Address, reason, upstream.EjectedCount, MaxEjectionPercent);
            return false;
        }

        var multiplier = state.EjectionMultiplier + 1;
        var duration = TimeSpan.FromTicks(Math.Min(BaseEjectionTime.Ticks * multiplier, MaxEjectionTime.Ticks));
        if (!state.TryEject(now + time.ToTimestampUnits(duration)))
        {
            upstream.EjectionEnded();
            return false;
        }

        UpstreamLog.Ejected(cluster.Logger, cluster.Name, endpoint.Address, duration.TotalSeconds, reason, multiplier);
        Telemetry.Metrics.UpstreamMetrics.Ejected(cluster.Name);
        return true;
    }
}
