using BenchmarkDotNet.Attributes;
using Microsoft.AspNetCore.Http;
using Sluice.Discovery.Loading;
using Sluice.Discovery.Snapshots;
using Sluice.Filters;
using Sluice.Gateway.Configuration;
using Sluice.Gateway.DataPlane;
using Sluice.Gateway.Routing;
using Sluice.Gateway.Translation;

namespace Sluice.Benchmarks;

/// <summary>
/// What Sluice adds on the request path before YARP forwards: path normalization, virtual host lookup, route
/// matching and the filter chain. Run with <c>dotnet run -c Release -- --filter '*'</c>; the allocation column must
/// be 0 B for matching, and only the per-request exchange for the chain.
/// </summary>
[MemoryDiagnoser]
public class RoutingBenchmarks
{
    private CompiledListener _listener = null!;
    private DefaultHttpContext _firstRouteRequest = null!;
    private DefaultHttpContext _lastRouteRequest = null!;
    private DefaultHttpContext _lastHostRequest = null!;
    private CompiledRoute _typicalRoute = null!;

    [GlobalSetup]
    public void Setup()
    {
        var yaml = ConfigGenerator.Generate(virtualHosts: 1000, routesPerHost: 10);
        var loaded = new ResourceFileLoader(FilterRegistry.Default).Load("bench.yaml", yaml);
        var snapshot = SnapshotBuilder.Build([loaded], new LastGoodResources(), ResourceSnapshot.Empty, TimeProvider.System);
        var config = new ConfigTranslator(FilterRegistry.Default, new UpstreamInvokerPool(), new CertificateCache()).Translate(snapshot);
        _listener = config.Listeners[8080];
        _firstRouteRequest = Request("host-0.example.com", "/svc-0/items");
        _lastRouteRequest = Request("host-0.example.com", "/svc-9/items");
        _lastHostRequest = Request("host-999.example.com", "/svc-9/items");
        _typicalRoute = _listener.Hosts.Find("host-0.example.com", 8080)!.Match(_lastRouteRequest.Request, "/svc-9/items", out _)!;
    }

    [Benchmark(Baseline = true)]
    public bool MatchFirstRoute() => Match(_firstRouteRequest) is not null;

    [Benchmark]
    public bool MatchLastRoute() => Match(_lastRouteRequest) is not null;

    [Benchmark]
    public bool MatchLastRouteOfLastHost() => Match(_lastHostRequest) is not null;

    [Benchmark]
    public async Task<string> RunTypicalChain()
    {
        var exchange = new ProxyExchange(_lastRouteRequest, "/svc-9/items", _typicalRoute.Name) { MatchedPathLength = 6, Chain = _typicalRoute.Filters };
        foreach (var filter in _typicalRoute.Filters)
        {
            await filter.OnRequestAsync(exchange);
        }

        return exchange.UpstreamPath;
    }

    private CompiledRoute? Match(DefaultHttpContext context)
    {
        var request = context.Request;
        PathNormalizer.TryNormalize(request.Path.Value!, out var path);
        var host = _listener.Hosts.Find(request.Host.Value!, 8080);
        return host?.Match(request, path, out _);
    }

    private static DefaultHttpContext Request(string host, string path)
    {
        var context = new DefaultHttpContext();
        context.Request.Method = "GET";
        context.Request.Host = new HostString(host);
        context.Request.Path = path;
        context.Request.Headers["x-tenant"] = "acme";
        return context;
    }
}
