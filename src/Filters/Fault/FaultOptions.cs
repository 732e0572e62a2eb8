namespace Sluice.Filters.Fault;

/// <summary>Gloo's <c>faults</c> (<c>fault.options.gloo.solo.io.RouteFaults</c>): Envoy's fault injection on a route.</summary>
public sealed record FaultOptions
{
    public FaultAbortOptions? Abort { get; init; }

    public FaultDelayOptions? Delay { get; init; }
}

/// <summary>Gloo's <c>RouteAbort</c>: answer a share of requests at once with a status.</summary>
public sealed record FaultAbortOptions
{
    /// <summary>The share of requests aborted, 0 to 100 (fractions allowed); 0 when omitted, as in Gloo.</summary>
    public double Percentage { get; init; }

    /// <summary>The status the gateway answers with.</summary>
    [RequiredField]
    public uint HttpStatus { get; init; }
}

/// <summary>Gloo's <c>RouteDelay</c>: hold a share of requests before they continue.</summary>
public sealed record FaultDelayOptions
{
    /// <summary>The share of requests delayed, 0 to 100 (fractions allowed); 0 when omitted, as in Gloo.</summary>
    public double Percentage { get; init; }

    [RequiredField]
    public TimeSpan FixedDelay { get; init; }
}
