using Sluice.Discovery.Model;

namespace Sluice.Discovery.Validation;

/// <summary>
/// Checks an Upstream's resilience settings: load balancing, health checks, outlier detection, circuit breakers and
/// connection settings. Ranges follow Envoy's own validation so that YAML Envoy would reject is rejected here too.
/// </summary>
internal static class UpstreamValidator
{
    /// <summary>Envoy's limit on a hash ring.</summary>
    public const long MaxRingSize = 8 * 1024 * 1024;

    public static void Validate(UpstreamSpec spec, ResourceDiagnostics diagnostics)
    {
        if (spec.Static is { } hosts)
        {
            for (var i = 0; i < hosts.Hosts.Count; i++)
            {
                if (hosts.Hosts[i].LoadBalancingWeight is 0)
                {
                    diagnostics.Error($"static.hosts[{i}].loadBalancingWeight", "loadBalancingWeight must be at least 1; remove the host to send it nothing");
                }
            }
        }

        if (spec.LoadBalancerConfig is { } lb)
        {
            ValidateLoadBalancer(lb, diagnostics);
        }

        if (spec.HealthChecks.Count > 1)
        {
            diagnostics.Error("healthChecks", $"only one health check per upstream is supported (as in Envoy), got {spec.HealthChecks.Count}");
        }

        for (var i = 0; i < spec.HealthChecks.Count; i++)
        {
            ValidateHealthCheck(spec.HealthChecks[i], $"healthChecks[{i}]", diagnostics);
        }

        if (spec.OutlierDetection is { } outlier)
        {
            ValidateOutlierDetection(outlier, diagnostics);
        }

        if (spec.CircuitBreakers is { } breakers)
        {
            foreach (var (field, value) in new[]
            {
                ("maxConnections", breakers.MaxConnections), ("maxPendingRequests", breakers.MaxPendingRequests),
                ("maxRequests", breakers.MaxRequests), ("maxRetries", breakers.MaxRetries),
            })
            {
                if (value > int.MaxValue)
                {
                    diagnostics.Error($"circuitBreakers.{field}", $"{field} must be at most {int.MaxValue}, got {value}");
                }
            }

            if (breakers.MaxConnections is 0)
            {
                diagnostics.Error("circuitBreakers.maxConnections", "maxConnections must be at least 1: with 0 no request could ever be sent");
            }
        }

        if (spec.ConnectionConfig is { } connection)
        {
            ValidateConnection(connection, diagnostics);
        }
    }

    private static void ValidateLoadBalancer(LoadBalancerConfig lb, ResourceDiagnostics diagnostics)
    {
        var chosen = new List<string>(1);
        if (lb.RoundRobin is not null)
        {
            chosen.Add("roundRobin");
        }

        if (lb.LeastRequest is not null)
        {
            chosen.Add("leastRequest");
        }

        if (lb.Random is not null)
        {
            chosen.Add("random");
        }

        if (lb.RingHash is not null)
        {
            chosen.Add("ringHash");
        }

        if (lb.Maglev is not null)
        {
            chosen.Add("maglev");
        }

        if (chosen.Count > 1)
        {
            diagnostics.Error($"loadBalancerConfig.{chosen[1]}", $"choose one load balancer: {string.Join(" and ", chosen)} are both set");
        }

        if (lb.HealthyPanicThreshold is { } panic && (double.IsNaN(panic) || panic < 0 || panic > 100))
        {
            diagnostics.Error("loadBalancerConfig.healthyPanicThreshold", $"healthyPanicThreshold is a percentage between 0 and 100, got {panic}");
        }

        if (lb.UpdateMergeWindow < TimeSpan.Zero)
        {
            diagnostics.Error("loadBalancerConfig.updateMergeWindow", "updateMergeWindow must not be negative");
        }

        if (lb.LeastRequest?.ChoiceCount is { } choices && (choices < 2 || choices > 100))
        {
            diagnostics.Error("loadBalancerConfig.leastRequest.choiceCount", $"choiceCount must be between 2 and 100, got {choices}");
        }

        ValidateSlowStart(lb.RoundRobin?.SlowStartConfig, "loadBalancerConfig.roundRobin.slowStartConfig", diagnostics);
        ValidateSlowStart(lb.LeastRequest?.SlowStartConfig, "loadBalancerConfig.leastRequest.slowStartConfig", diagnostics);

        if (lb.RingHash?.RingHashConfig is { } ring)
        {
            const string path = "loadBalancerConfig.ringHash.ringHashConfig";
            if (ring.MinimumRingSize is { } min && (min < 1 || min > MaxRingSize))
            {
                diagnostics.Error($"{path}.minimumRingSize", $"minimumRingSize must be between 1 and {MaxRingSize}, got {min}");
            }

            if (ring.MaximumRingSize is { } max && (max < 1 || max > MaxRingSize))
            {
                diagnostics.Error($"{path}.maximumRingSize", $"maximumRingSize must be between 1 and {MaxRingSize}, got {max}");
            }

            if (ring.MinimumRingSize is { } low && ring.MaximumRingSize is { } high && low > high)
            {
                diagnostics.Error($"{path}.minimumRingSize", $"minimumRingSize ({low}) is larger than maximumRingSize ({high})");
            }
        }
    }

    private static void ValidateSlowStart(SlowStartConfig? slowStart, string path, ResourceDiagnostics diagnostics)
    {
        if (slowStart is null)
        {
            return;
        }

        if (slowStart.SlowStartWindow is not { } window || window <= TimeSpan.Zero)
        {
            diagnostics.Error($"{path}.slowStartWindow", "slowStartWindow must be set to a positive duration for slow start to do anything");
        }

        if (slowStart.Aggression is { } aggression && (double.IsNaN(aggression) || aggression <= 0))
        {
            diagnostics.Error($"{path}.aggression", $"aggression must be greater than 0, got {aggression}");
        }

        if (slowStart.MinWeightPercent is { } minimum && (double.IsNaN(minimum) || minimum < 0 || minimum > 100))
        {
            diagnostics.Error($"{path}.minWeightPercent", $"minWeightPercent is a percentage between 0 and 100, got {minimum}");
        }
    }

    private static void ValidateHealthCheck(HealthCheck check, string path, ResourceDiagnostics diagnostics)
    {
        if (check.Timeout <= TimeSpan.Zero)
        {
            diagnostics.Error($"{path}.timeout", "timeout must be a positive duration");
        }

        if (check.Interval <= TimeSpan.Zero)
        {
            diagnostics.Error($"{path}.interval", "interval must be a positive duration");
        }

        if (check.NoTrafficInterval is { } noTraffic && noTraffic <= TimeSpan.Zero)
        {
            diagnostics.Error($"{path}.noTrafficInterval", "noTrafficInterval must be a positive duration");
        }

        if (check.InitialJitter < TimeSpan.Zero || check.IntervalJitter < TimeSpan.Zero)
        {
            diagnostics.Error($"{path}.{(check.InitialJitter < TimeSpan.Zero ? "initialJitter" : "intervalJitter")}", "jitter must not be negative");
        }

        if (check.UnhealthyThreshold == 0)
        {
            diagnostics.Error($"{path}.unhealthyThreshold", "unhealthyThreshold must be at least 1");
        }

        if (check.HealthyThreshold == 0)
        {
            diagnostics.Error($"{path}.healthyThreshold", "healthyThreshold must be at least 1");
        }

        if (check.HttpHealthCheck is not null && check.TcpHealthCheck is not null)
        {
            diagnostics.Error($"{path}.tcpHealthCheck", "choose one health checker: httpHealthCheck and tcpHealthCheck are both set");
        }
        else if (check.HttpHealthCheck is null && check.TcpHealthCheck is null)
        {
            diagnostics.Warning(path, "this health check has no httpHealthCheck or tcpHealthCheck, so Sluice runs no active check for it");
        }

        if (check.HttpHealthCheck is not { } http)
        {
            return;
        }

        if (!http.Path.StartsWith('/') || http.Path.AsSpan().ContainsAny(" \r\n\0#"))
        {
            diagnostics.Error($"{path}.httpHealthCheck.path", $"'{http.Path}' is not an absolute request path like '/healthz'");
        }

        if (http.Host is { } host && (host.Length == 0 || host.AsSpan().ContainsAny(" /\r\n\0")))
        {
            diagnostics.Error($"{path}.httpHealthCheck.host", $"'{host}' is not a valid Host header");
        }

        if (http.CodecClientType == CodecClientType.HTTP3)
        {
            diagnostics.Error($"{path}.httpHealthCheck.codecClientType", "HTTP3 health checks are not supported; use HTTP1 or HTTP2");
        }

        for (var i = 0; i < http.ExpectedStatuses.Count; i++)
        {
            var range = http.ExpectedStatuses[i];
            if (range.Start < 100 || range.End > 600 || range.Start >= range.End)
            {
                diagnostics.Error($"{path}.httpHealthCheck.expectedStatuses[{i}]",
                    $"[{range.Start}, {range.End}) is not a status range: start is included, end is excluded, and both lie in [100, 600], e.g. start: 200, end: 300");
            }
        }
    }

    private static void ValidateOutlierDetection(OutlierDetectionConfig outlier, ResourceDiagnostics diagnostics)
    {
        foreach (var (field, value) in new[]
        {
            ("interval", outlier.Interval), ("baseEjectionTime", outlier.BaseEjectionTime), ("maxEjectionTime", outlier.MaxEjectionTime),
        })
        {
            if (value is { } duration && duration <= TimeSpan.Zero)
            {
                diagnostics.Error($"outlierDetection.{field}", $"{field} must be a positive duration");
            }
        }

        foreach (var (field, value) in new[]
        {
            ("maxEjectionPercent", outlier.MaxEjectionPercent), ("enforcingConsecutive5xx", outlier.EnforcingConsecutive5xx),
            ("enforcingConsecutiveGatewayFailure", outlier.EnforcingConsecutiveGatewayFailure),
            ("enforcingConsecutiveLocalOriginFailure", outlier.EnforcingConsecutiveLocalOriginFailure),
        })
        {
            if (value > 100)
            {
                diagnostics.Error($"outlierDetection.{field}", $"{field} is a percentage between 0 and 100, got {value}");
            }
        }

        if (outlier.MaxEjectionPercent is 0)
        {
            diagnostics.Warning("outlierDetection.maxEjectionPercent", "maxEjectionPercent 0 means no endpoint is ever ejected");
        }

        foreach (var (field, value) in new[]
        {
            ("consecutive5xx", outlier.Consecutive5xx), ("consecutiveGatewayFailure", outlier.ConsecutiveGatewayFailure),
            ("consecutiveLocalOriginFailure", outlier.ConsecutiveLocalOriginFailure),
        })
        {
            if (value is 0)
            {
                diagnostics.Error($"outlierDetection.{field}", $"{field} must be at least 1; set its enforcing percentage to 0 to turn that detection off");
            }
        }
    }

    private static void ValidateConnection(ConnectionConfig connection, ResourceDiagnostics diagnostics)
    {
        if (connection.ConnectTimeout is { } connect && connect <= TimeSpan.Zero)
        {
            diagnostics.Error("connectionConfig.connectTimeout", "connectTimeout must be a positive duration");
        }

        if (connection.CommonHttpProtocolOptions?.IdleTimeout < TimeSpan.Zero)
        {
            diagnostics.Error("connectionConfig.commonHttpProtocolOptions.idleTimeout", "idleTimeout must not be negative (0 disables it)");
        }

        if (connection.TcpKeepalive is { } keepalive)
        {
            if (keepalive.KeepaliveTime is { } time && time < TimeSpan.FromSeconds(1))
            {
                diagnostics.Error("connectionConfig.tcpKeepalive.keepaliveTime", "keepaliveTime is whole seconds, at least 1s");
            }

            if (keepalive.KeepaliveInterval is { } interval && interval < TimeSpan.FromSeconds(1))
            {
                diagnostics.Error("connectionConfig.tcpKeepalive.keepaliveInterval", "keepaliveInterval is whole seconds, at least 1s");
            }

            if (keepalive.KeepaliveProbes > 255)
            {
                diagnostics.Error("connectionConfig.tcpKeepalive.keepaliveProbes", $"keepaliveProbes must be at most 255, got {keepalive.KeepaliveProbes}");
            }
        }
    }
}
