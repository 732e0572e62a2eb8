using Yarp.ReverseProxy.Forwarder;

namespace Sluice.Gateway.DataPlane;

/// <summary>One upstream endpoint: the URI prefix requests are sent to and the connection pool that reaches it.</summary>
internal sealed record UpstreamEndpoint(string Prefix, HttpMessageInvoker Invoker);

/// <summary>
/// An upstream as the data plane sees it in one snapshot: its endpoints and how to talk to them. Endpoints are
/// chosen round robin. Connection pools live in <see cref="UpstreamInvokerPool"/> and survive snapshots.
/// </summary>
internal sealed class UpstreamCluster(string name, UpstreamEndpoint[] endpoints, ForwarderRequestConfig requestConfig)
{
    private int _next = -1;

    public string Name { get; } = name;

    public UpstreamEndpoint[] Endpoints { get; } = endpoints;

    public ForwarderRequestConfig RequestConfig { get; } = requestConfig;

    public UpstreamEndpoint? NextEndpoint()
    {
        var endpoints = Endpoints;
        return endpoints.Length switch
        {
            0 => null,
            1 => endpoints[0],
            _ => endpoints[(int)((uint)Interlocked.Increment(ref _next) % (uint)endpoints.Length)],
        };
    }
}
