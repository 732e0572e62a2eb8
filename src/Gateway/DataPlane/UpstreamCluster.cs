using System.Text;
using Sluice.Filters;
using Sluice.Gateway.Upstreams;
using Sluice.Gateway.Upstreams.CircuitBreaking;
using Sluice.Gateway.Upstreams.HealthChecking;
using Sluice.Gateway.Upstreams.LoadBalancing;
using Sluice.Gateway.Upstreams.OutlierDetection;
using Yarp.ReverseProxy.Forwarder;

namespace Sluice.Gateway.DataPlane;

/// <summary>One upstream endpoint: the URI prefix requests are sent to and the connection pool that reaches it.</summary>
internal sealed record UpstreamEndpoint(string Prefix, HttpMessageInvoker Invoker)
{
    /// <summary><c>host:port</c>, for logs, headers and metrics.</summary>
    public string Address { get; init; } = string.Empty;

    /// <summary>The endpoint's load balancing weight (Gloo's <c>loadBalancingWeight</c>), at least 1.</summary>
    public int Weight { get; init; } = 1;

    /// <summary>
    /// The endpoint's long-lived runtime state (in flight, ejection, health), shared by every snapshot that has this
    /// address in this upstream. An endpoint built without one gets a state of its own.
    /// </summary>
    public EndpointState State { get; init; } = new(new UpstreamState(string.Empty), string.Empty, long.MinValue);

    /// <summary>How the connection pool reaches the endpoint; health checks connect the same way.</summary>
    public UpstreamConnectionSettings? Connection { get; init; }
}

/// <summary>The resilience policies of one upstream in one snapshot; every part has Envoy's default when absent.</summary>
internal sealed record UpstreamClusterOptions
{
    /// <summary>The upstream's long-lived state; a fresh one when the cluster is built outside a registry.</summary>
    public UpstreamState? State { get; init; }

    /// <summary>Round robin when null.</summary>
    public LoadBalancer? LoadBalancer { get; init; }

    public CircuitBreaker CircuitBreaker { get; init; } = CircuitBreaker.Default;

    public OutlierDetector? OutlierDetector { get; init; }

    public HealthCheckPolicy? HealthCheck { get; init; }

    /// <summary>Percent of available endpoints below which all are used (Envoy's healthy panic threshold, default 50).</summary>
    public double HealthyPanicThreshold { get; init; } = 50;

    public SlowStart? SlowStart { get; init; }

    public TimeProvider Time { get; init; } = TimeProvider.System;

    public Random Random { get; init; } = Random.Shared;

    public ILogger Logger { get; init; } = Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance;
}

/// <summary>
/// An upstream as the data plane sees it in one snapshot: its endpoints, how to talk to them, and the contract the
/// forwarding loop uses: pick an endpoint (load balancing, skipping ejected and unhealthy ones), admit a request or
/// a retry (circuit breaking), and report every attempt's outcome (passive health). The mutable parts (counters,
/// ejections, health) live in the long-lived <see cref="UpstreamState"/>; connection pools live in
/// <see cref="UpstreamInvokerPool"/>. Both survive snapshots. Every per-attempt call is lock-free and allocates nothing.
/// </summary>
internal sealed class UpstreamCluster
{
    private readonly LoadBalancer _balancer;
    private byte[]? _noEndpointsBody;
    private byte[]? _maxRequestsBody;
    private byte[]? _maxPendingBody;
    private byte[]? _maxRetriesBody;
    private readonly SlowStart? _slowStart;
    private EndpointSelection _selection;

    public UpstreamCluster(string name, UpstreamEndpoint[] endpoints, ForwarderRequestConfig requestConfig)
        : this(name, endpoints, requestConfig, new UpstreamClusterOptions())
    {
    }

    public UpstreamCluster(string name, UpstreamEndpoint[] endpoints, ForwarderRequestConfig requestConfig, UpstreamClusterOptions options)
    {
        Name = name;
        Endpoints = endpoints;
        RequestConfig = requestConfig;
        State = options.State ?? new UpstreamState(name);
        _balancer = options.LoadBalancer ?? new RoundRobinLoadBalancer();
        _slowStart = _balancer.SupportsSlowStart ? options.SlowStart : null;
        CircuitBreaker = options.CircuitBreaker;
        OutlierDetector = options.OutlierDetector;
        HealthCheck = options.HealthCheck;
        HealthyPanicThreshold = options.HealthyPanicThreshold;
        Time = options.Time;
        Random = options.Random;
        Logger = options.Logger;
        _selection = BuildSelection();
    }

    /// <summary>Envoy's "no healthy upstream" reply body, built once: a request that finds no endpoint costs no formatting.</summary>
    public byte[] NoEndpointsBody => _noEndpointsBody ??= Encoding.UTF8.GetBytes($"no healthy upstream: upstream {Name} has no endpoints\n");

    /// <summary>
    /// The 503 body for a circuit-breaker refusal, built once per breaker: shedding load must be the cheapest thing the
    /// gateway does, so it must not format a string per refused request.
    /// </summary>
    public byte[] OverloadedBody(string overflow) => overflow switch
    {
        CircuitBreaker.MaxRequestsOverflow => _maxRequestsBody ??= Overloaded(overflow),
        CircuitBreaker.MaxPendingOverflow => _maxPendingBody ??= Overloaded(overflow),
        CircuitBreaker.MaxRetriesOverflow => _maxRetriesBody ??= Overloaded(overflow),
        _ => Overloaded(overflow),
    };

    private byte[] Overloaded(string overflow) => Encoding.UTF8.GetBytes($"upstream {Name} is overloaded: {overflow}\n");

    public string Name { get; }

    public UpstreamEndpoint[] Endpoints { get; }

    public ForwarderRequestConfig RequestConfig { get; }

    public UpstreamState State { get; }

    public LoadBalancer LoadBalancer => _balancer;

    public CircuitBreaker CircuitBreaker { get; }

    public OutlierDetector? OutlierDetector { get; }

    public HealthCheckPolicy? HealthCheck { get; }

    public double HealthyPanicThreshold { get; }

    public TimeProvider Time { get; }

    public Random Random { get; }

    public ILogger Logger { get; }

    /// <summary>
    /// The endpoint for one attempt, or null when none can take it. <paramref name="previous"/> is the endpoint the
    /// last attempt of this request went to: a retry goes elsewhere when another endpoint exists. Every endpoint
    /// returned counts as one attempt in flight until <see cref="ReportOutcome"/> is called for it.
    /// </summary>
    public UpstreamEndpoint? PickEndpoint(ProxyExchange exchange, UpstreamEndpoint? previous)
    {
        if (Endpoints.Length == 0)
        {
            return null;
        }

        var selection = CurrentSelection();
        var candidates = selection.Candidates;
        UpstreamEndpoint picked;
        switch (candidates.Length)
        {
            case 0:
                return null;
            case 1:
                picked = candidates[0];
                break;
            default:
                picked = _balancer.Pick(selection, exchange, previous);
                if (_slowStart is not null)
                {
                    picked = ApplySlowStart(_slowStart, selection, exchange, previous, picked);
                }

                break;
        }

        picked.State.BeginAttempt();
        State.MarkTraffic();
        return picked;
    }

    /// <summary>Circuit-breaker admission of one request; false (with the breaker that tripped) when it must be refused.</summary>
    public bool TryEnterRequest(out string? overflow) => CircuitBreaker.TryEnterRequest(State, out overflow);

    public void ExitRequest() => State.ExitRequest();

    /// <summary>Circuit-breaker admission of one retry (Envoy's max_retries budget).</summary>
    public bool TryEnterRetry(out string? overflow) => CircuitBreaker.TryEnterRetry(State, out overflow);

    public void ExitRetry() => State.ExitRetry();

    /// <summary>
    /// Every attempt's outcome, exactly once per endpoint <see cref="PickEndpoint"/> returned: the status the upstream
    /// answered (with <see cref="ForwarderError.None"/>), or the transport error. A cancellation is the client's
    /// unless reported with status 504, which marks a per-try or route timeout.
    /// </summary>
    public void ReportOutcome(UpstreamEndpoint endpoint, int statusCode, ForwarderError error)
    {
        endpoint.State.EndAttempt();
        OutlierDetector?.Report(this, endpoint, statusCode, error);
    }

    /// <summary>The candidates right now, rebuilt only when availability changed or an ejection ran out.</summary>
    public EndpointSelection CurrentSelection()
    {
        var selection = Volatile.Read(ref _selection);
        if (selection.Version == State.HealthVersion && (selection.ValidUntil == long.MaxValue || Time.GetTimestamp() < selection.ValidUntil))
        {
            return selection;
        }

        selection = BuildSelection();
        Volatile.Write(ref _selection, selection);
        return selection;
    }

    /// <summary>A one-line description of the policies, for logs and inspect.</summary>
    public string Describe() =>
        $"{_balancer.Name}{(_slowStart is null ? string.Empty : $" slowStart {_slowStart.Window.TotalMilliseconds}ms")}, panic below {HealthyPanicThreshold}%, {CircuitBreaker.Describe()}"
        + (OutlierDetector is null ? string.Empty : $", outlierDetection {{{OutlierDetector.Describe()}}}")
        + (HealthCheck is null ? string.Empty : $", healthCheck {{{HealthCheck.Describe()}}}");

    private EndpointSelection BuildSelection()
    {
        var endpoints = Endpoints;
        var now = Time.GetTimestamp();

        // Ejections that ran out end first (each bumps the version), so the version read next already includes them.
        foreach (var endpoint in endpoints)
        {
            if (endpoint.State.TryReturn(now))
            {
                UpstreamLog.Returned(Logger, Name, endpoint.Address);
            }
        }

        var version = State.HealthVersion;
        var available = new bool[endpoints.Length];
        var count = 0;
        var validUntil = long.MaxValue;
        for (var i = 0; i < endpoints.Length; i++)
        {
            var state = endpoints[i].State;
            var until = state.EjectedUntil;
            if (until != 0 && now < until)
            {
                validUntil = Math.Min(validUntil, until);
                continue;
            }

            if (!state.IsUnhealthy)
            {
                available[i] = true;
                count++;
            }
        }

        // Envoy's panic mode: with too few healthy endpoints, spreading over all of them beats overloading the few.
        var panic = endpoints.Length > 0 && count * 100.0 < HealthyPanicThreshold * endpoints.Length;
        UpstreamEndpoint[] candidates;
        if (panic)
        {
            Array.Fill(available, true);
            candidates = endpoints;
        }
        else if (count == endpoints.Length)
        {
            candidates = endpoints;
        }
        else
        {
            candidates = new UpstreamEndpoint[count];
            for (int i = 0, c = 0; i < endpoints.Length; i++)
            {
                if (available[i])
                {
                    candidates[c++] = endpoints[i];
                }
            }
        }

        var table = candidates.Length > 1 ? _balancer.Prepare(candidates) : null;
        return new EndpointSelection(candidates, available, table, version, validUntil, panic);
    }

    private UpstreamEndpoint ApplySlowStart(SlowStart slowStart, EndpointSelection selection, ProxyExchange exchange, UpstreamEndpoint? previous, UpstreamEndpoint picked)
    {
        var now = Time.GetTimestamp();
        for (var draw = 1; draw < SlowStart.MaxDraws; draw++)
        {
            var factor = slowStart.Factor(picked.State, now, Time);
            if (factor >= 1 || Random.NextDouble() < factor)
            {
                return picked;
            }

            picked = _balancer.Pick(selection, exchange, previous);
        }

        return picked;
    }
}
