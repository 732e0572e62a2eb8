namespace Sluice.Discovery.Model;

/// <summary>
/// Gloo's <c>loadBalancerConfig</c>: the algorithm (a oneof: at most one of roundRobin, leastRequest, random,
/// ringHash, maglev) and the panic threshold below which health is disregarded.
/// </summary>
[GlooUnsupported(DiagnosticSeverity.Warning, "localityWeightedLbConfig", "useHostnameForHashing")]
public sealed record LoadBalancerConfig
{
    /// <summary>Percent (0-100) of healthy endpoints below which every endpoint is used, healthy or not. Envoy's default is 50.</summary>
    public double? HealthyPanicThreshold { get; init; }

    /// <summary>Accepted; Sluice applies endpoint changes at once, which is Envoy with a window of 0.</summary>
    public TimeSpan? UpdateMergeWindow { get; init; }

    public RoundRobinLbConfig? RoundRobin { get; init; }

    public LeastRequestLbConfig? LeastRequest { get; init; }

    public RandomLbConfig? Random { get; init; }

    public RingHashLbConfig? RingHash { get; init; }

    public MaglevLbConfig? Maglev { get; init; }
}

public sealed record RoundRobinLbConfig
{
    public SlowStartConfig? SlowStartConfig { get; init; }
}

public sealed record LeastRequestLbConfig
{
    /// <summary>How many random endpoints are compared; defaults to 2 (power of two choices).</summary>
    public uint? ChoiceCount { get; init; }

    public SlowStartConfig? SlowStartConfig { get; init; }
}

public sealed record RandomLbConfig;

public sealed record RingHashLbConfig
{
    public RingHashConfig? RingHashConfig { get; init; }
}

public sealed record RingHashConfig
{
    /// <summary>Minimum number of ring entries; defaults to 1024.</summary>
    public long? MinimumRingSize { get; init; }

    /// <summary>Maximum number of ring entries; defaults to 8M.</summary>
    public long? MaximumRingSize { get; init; }
}

public sealed record MaglevLbConfig;

/// <summary>Ramps traffic to an endpoint up over a window after it joins or becomes healthy again.</summary>
public sealed record SlowStartConfig
{
    public TimeSpan? SlowStartWindow { get; init; }

    /// <summary>Shape of the ramp: weight × (time in window / window)^(1/aggression); defaults to 1 (linear).</summary>
    public double? Aggression { get; init; }

    /// <summary>The lowest share of its weight an endpoint in slow start gets, in percent; defaults to 10.</summary>
    public double? MinWeightPercent { get; init; }
}
