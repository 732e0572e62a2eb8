using Microsoft.AspNetCore.Http;
using Sluice.Filters;
using Sluice.Gateway.DataPlane;
using Sluice.Gateway.Upstreams;
using Sluice.Gateway.Upstreams.LoadBalancing;
using Yarp.ReverseProxy.Forwarder;

namespace Sluice.Gateway.Tests.Upstreams;

/// <summary>Clusters of fake endpoints (10.0.0.N:80) bound to one upstream state, for unit tests without sockets.</summary>
internal static class TestUpstream
{
    private static readonly HttpMessageInvoker Invoker = new(new SocketsHttpHandler());

    public static UpstreamEndpoint[] Endpoints(UpstreamState state, params int[] weights)
    {
        var endpoints = new UpstreamEndpoint[weights.Length];
        for (var i = 0; i < weights.Length; i++)
        {
            endpoints[i] = Endpoint(state, $"10.0.0.{i + 1}:80", weights[i]);
        }

        return endpoints;
    }

    public static UpstreamEndpoint Endpoint(UpstreamState state, string address, int weight = 1) =>
        new($"http://{address}/", Invoker) { Address = address, Weight = weight, State = state.Endpoint(address, 0) };

    public static UpstreamCluster Cluster(UpstreamEndpoint[] endpoints, UpstreamState state, LoadBalancer? balancer = null, TimeProvider? time = null, UpstreamClusterOptions? options = null) =>
        new("test/upstream", endpoints, ForwarderRequestConfig.Empty, (options ?? new UpstreamClusterOptions()) with
        {
            State = state,
            LoadBalancer = balancer,
            Time = time ?? options?.Time ?? TimeProvider.System,
        });

    public static ProxyExchange Exchange(ulong? hashKey = null) => new(new DefaultHttpContext(), "/", "route") { HashKey = hashKey };

    /// <summary>Picks <paramref name="count"/> times (reporting each outcome as a 200) and counts picks per address.</summary>
    public static Dictionary<string, int> Distribution(UpstreamCluster cluster, int count, Func<int, ProxyExchange>? exchange = null)
    {
        var counts = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var endpoint in cluster.Endpoints)
        {
            counts[endpoint.Address] = 0;
        }

        for (var i = 0; i < count; i++)
        {
            var picked = cluster.PickEndpoint(exchange?.Invoke(i) ?? Exchange(), previous: null)!;
            counts[picked.Address]++;
            cluster.ReportOutcome(picked, 200, ForwarderError.None);
        }

        return counts;
    }
}
