using Sluice.Filters;
using Yarp.ReverseProxy.Forwarder;

namespace Sluice.Gateway.DataPlane;

/// <summary>One upstream endpoint: the URI prefix requests are sent to and the connection pool that reaches it.</summary>
internal sealed record UpstreamEndpoint(string Prefix, HttpMessageInvoker Invoker)
{
    /// <summary><c>host:port</c>, for logs, headers and metrics.</summary>
    public string Address { get; init; } = string.Empty;
}

/// <summary>
/// An upstream as the data plane sees it in one snapshot: its endpoints, how to talk to them, and the contract the
/// forwarding loop uses: pick an endpoint (load balancing, skipping ejected and unhealthy ones), admit a request or
/// a retry (circuit breaking), and report every attempt's outcome (passive health). Connection pools live in
/// <see cref="UpstreamInvokerPool"/> and survive snapshots.
/// </summary>
internal sealed class UpstreamCluster(string name, UpstreamEndpoint[] endpoints, ForwarderRequestConfig requestConfig)
{
    private int _next = -1;

    public string Name { get; } = name;

    public UpstreamEndpoint[] Endpoints { get; } = endpoints;

    public ForwarderRequestConfig RequestConfig { get; } = requestConfig;

    /// <summary>
    /// The endpoint for one attempt, or null when none can take it. <paramref name="previous"/> is the endpoint the
    /// last attempt of this request went to: a retry goes elsewhere when another endpoint exists.
    /// </summary>
    public UpstreamEndpoint? PickEndpoint(ProxyExchange exchange, UpstreamEndpoint? previous)
    {
        _ = exchange;
        var endpoints = Endpoints;
        switch (endpoints.Length)
        {
            case 0:
                return null;
            case 1:
                return endpoints[0];
        }

        var picked = endpoints[(int)((uint)Interlocked.Increment(ref _next) % (uint)endpoints.Length)];
        return ReferenceEquals(picked, previous)
            ? endpoints[(int)((uint)Interlocked.Increment(ref _next) % (uint)endpoints.Length)]
            : picked;
    }

    /// <summary>Circuit-breaker admission of one request; false (with the breaker that tripped) when it must be refused.</summary>
    public bool TryEnterRequest(out string? overflow)
    {
        overflow = null;
        return true;
    }

    public void ExitRequest()
    {
    }

    /// <summary>Circuit-breaker admission of one retry (Envoy's max_retries budget).</summary>
    public bool TryEnterRetry(out string? overflow)
    {
        overflow = null;
        return true;
    }

    public void ExitRetry()
    {
    }

    /// <summary>Every attempt's outcome, for outlier detection: the status the upstream answered, or the transport error.</summary>
    public void ReportOutcome(UpstreamEndpoint endpoint, int statusCode, ForwarderError error)
    {
        _ = endpoint;
        _ = statusCode;
        _ = error;
    }
}
