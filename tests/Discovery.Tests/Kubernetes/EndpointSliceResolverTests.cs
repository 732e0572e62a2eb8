using k8s.Models;
using Sluice.Discovery.Kubernetes.ServiceDiscovery;

namespace Sluice.Discovery.Tests.Kubernetes;

public sealed class EndpointSliceResolverTests
{
    [Fact]
    public void Endpoints_of_every_slice_are_merged_once_and_ports_are_matched_by_service_port_name()
    {
        var slices = new[]
        {
            Slice([("10.0.0.1", true, null), ("10.0.0.2", true, null)], ("http", 8080), ("metrics", 9090)),
            Slice([("10.0.0.2", true, null), ("10.0.0.3", null, null)], ("http", 8080)),
        };

        var http = EndpointSliceResolver.Resolve("http", slices);
        var metrics = EndpointSliceResolver.Resolve("metrics", slices);

        Assert.Equal([new("10.0.0.1", 8080), new("10.0.0.2", 8080), new("10.0.0.3", 8080)], http);
        Assert.Equal([new("10.0.0.1", 9090), new("10.0.0.2", 9090)], metrics);
        Assert.Empty(EndpointSliceResolver.Resolve(null, slices));
    }

    [Fact]
    public void Terminating_but_serving_endpoints_are_used_only_when_none_is_ready()
    {
        var mixed = new[] { Slice([("10.0.0.1", true, false), ("10.0.0.2", false, true), ("10.0.0.3", false, false)], (null, 80)) };
        var onlyTerminating = new[] { Slice([("10.0.0.2", false, true), ("10.0.0.3", false, false)], (null, 80)) };

        Assert.Equal([new ServiceEndpoint("10.0.0.1", 80)], EndpointSliceResolver.Resolve(null, mixed));
        Assert.Equal([new ServiceEndpoint("10.0.0.2", 80)], EndpointSliceResolver.Resolve(null, onlyTerminating));
    }

    /// <summary>Endpoints as (address, ready, terminating-and-serving); null ready means unknown, which the API says is ready.</summary>
    private static V1EndpointSlice Slice(IEnumerable<(string Address, bool? Ready, bool? Terminating)> endpoints, params (string? Name, int Port)[] ports) => new()
    {
        AddressType = "IPv4",
        Endpoints = [.. endpoints.Select(e => new V1Endpoint
        {
            Addresses = [e.Address],
            Conditions = e.Ready is null && e.Terminating is null ? null : new V1EndpointConditions { Ready = e.Ready, Serving = e.Ready == true || e.Terminating == true, Terminating = e.Terminating },
        })],
        Ports = [.. ports.Select(p => new Discoveryv1EndpointPort { Name = p.Name, Port = p.Port })],
    };
}
