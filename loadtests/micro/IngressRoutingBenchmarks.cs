using System.Text;
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
/// Ingress routing on the request path: 200 hosts with 20 merged paths each (Exact and element-wise Prefix),
/// matching the longest path, the catch-all last path, and a one-label wildcard host. Allocation must be 0 B.
/// Run with <c>dotnet run -c Release -- --filter '*Ingress*'</c>.
/// </summary>
[MemoryDiagnoser]
public class IngressRoutingBenchmarks
{
    private CompiledListener _listener = null!;
    private DefaultHttpContext _longest = null!;
    private DefaultHttpContext _catchAll = null!;
    private DefaultHttpContext _wildcard = null!;

    [GlobalSetup]
    public void Setup()
    {
        var yaml = new StringBuilder("""
            apiVersion: networking.k8s.io/v1
            kind: IngressClass
            metadata: { name: sluice }
            spec: { controller: gateway.sluice.dev/ingress-controller }
            ---
            apiVersion: gateway.sluice.dev/v1
            kind: Upstream
            metadata: { name: default-web-80 }
            spec: { static: { hosts: [{ addr: 127.0.0.1, port: 18000 }] } }

            """);
        for (var h = 0; h < 200; h++)
        {
            yaml.Append($"---\napiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata: {{ name: ing-{h} }}\nspec:\n  ingressClassName: sluice\n  rules:\n");
            foreach (var host in (string[])[$"host-{h}.example.com", $"*.wild-{h}.example.com"])
            {
                yaml.Append($"    - host: \"{host}\"\n      http:\n        paths:\n");
                yaml.Append("          - { path: /, pathType: Prefix, backend: { service: { name: web, port: { number: 80 } } } }\n");
                for (var p = 0; p < 19; p++)
                {
                    yaml.Append($"          - {{ path: /svc-{p}/v1, pathType: {(p % 2 == 0 ? "Prefix" : "Exact")}, backend: {{ service: {{ name: web, port: {{ number: 80 }} }} }} }}\n");
                }
            }
        }

        var loaded = new ResourceFileLoader(FilterRegistry.Default).Load("bench.yaml", yaml.ToString());
        var snapshot = SnapshotBuilder.Build([loaded], new LastGoodResources(), ResourceSnapshot.Empty, TimeProvider.System);
        var config = new ConfigTranslator(FilterRegistry.Default, new UpstreamInvokerPool(), new CertificateCache()).Translate(snapshot);
        _listener = config.Listeners[8080];
        _longest = Request("host-199.example.com", "/svc-0/v1/items");
        _catchAll = Request("host-199.example.com", "/elsewhere/items");
        _wildcard = Request("a.wild-199.example.com", "/svc-18/v1/items");
    }

    [Benchmark(Baseline = true)]
    public bool MatchFirstPath() => Match(_longest) is not null;

    [Benchmark]
    public bool MatchCatchAll() => Match(_catchAll) is not null;

    [Benchmark]
    public bool MatchWildcardHost() => Match(_wildcard) is not null;

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
        return context;
    }
}
