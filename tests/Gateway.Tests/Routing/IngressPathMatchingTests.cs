using Microsoft.AspNetCore.Http;
using Sluice.Discovery.Graph;
using Sluice.Discovery.Ingress;
using Sluice.Discovery.Loading;
using Sluice.Filters;
using Sluice.Gateway.DataPlane;
using Sluice.Gateway.Routing;
using Sluice.Gateway.Translation;
using Yarp.ReverseProxy.Forwarder;

namespace Sluice.Gateway.Tests.Routing;

/// <summary>
/// Ingress path rules in the data plane: the element-wise Prefix rule on its own, then whole route tables compiled
/// by the translator, checked against the examples table of the Kubernetes Ingress documentation.
/// </summary>
public sealed class IngressPathMatchingTests
{
    [Theory]
    [InlineData("", "/", true)]
    [InlineData("", "/anything/at/all", true)]
    [InlineData("/foo", "/foo", true)]
    [InlineData("/foo", "/foo/", true)]
    [InlineData("/foo", "/foo/bar", true)]
    [InlineData("/foo", "/foobar", false)]
    [InlineData("/foo", "/FOO", false)]
    [InlineData("/foo", "/fo", false)]
    [InlineData("/aaa/bb", "/aaa/bbb", false)]
    [InlineData("/aaa/bbb", "/aaa/bbbxyz", false)]
    [InlineData("/aaa/bbb", "/aaa/bbb/ccc", true)]
    public void ElementPrefix_MatchesWholePathElements(string rule, string path, bool matches) =>
        Assert.Equal(matches, ElementPrefix.Matches(path, rule));

    /// <summary>Each row: the rules (type:path, ...), the request path, the rule that must serve it or "-" for none.</summary>
    [Theory]
    [InlineData("Prefix:/", "/", "Prefix:/")]
    [InlineData("Prefix:/", "/any/path", "Prefix:/")]
    [InlineData("Exact:/foo", "/foo", "Exact:/foo")]
    [InlineData("Exact:/foo", "/bar", "-")]
    [InlineData("Exact:/foo", "/foo/", "-")]
    [InlineData("Exact:/foo/", "/foo", "-")]
    [InlineData("Prefix:/foo", "/foo", "Prefix:/foo")]
    [InlineData("Prefix:/foo", "/foo/", "Prefix:/foo")]
    [InlineData("Prefix:/foo/", "/foo", "Prefix:/foo/")]
    [InlineData("Prefix:/foo/", "/foo/", "Prefix:/foo/")]
    [InlineData("Prefix:/aaa/bb", "/aaa/bbb", "-")]
    [InlineData("Prefix:/aaa/bbb", "/aaa/bbb", "Prefix:/aaa/bbb")]
    [InlineData("Prefix:/aaa/bbb/", "/aaa/bbb", "Prefix:/aaa/bbb/")]
    [InlineData("Prefix:/aaa/bbb", "/aaa/bbb/", "Prefix:/aaa/bbb")]
    [InlineData("Prefix:/aaa/bbb", "/aaa/bbb/ccc", "Prefix:/aaa/bbb")]
    [InlineData("Prefix:/aaa/bbb", "/aaa/bbbxyz", "-")]
    [InlineData("Prefix:/,Prefix:/aaa", "/aaa/ccc", "Prefix:/aaa")]
    [InlineData("Prefix:/,Prefix:/aaa,Prefix:/aaa/bbb", "/aaa/bbb", "Prefix:/aaa/bbb")]
    [InlineData("Prefix:/,Prefix:/aaa,Prefix:/aaa/bbb", "/ccc", "Prefix:/")]
    [InlineData("Prefix:/aaa", "/ccc", "-")]
    [InlineData("Prefix:/foo,Exact:/foo", "/foo", "Exact:/foo")]
    [InlineData("Exact:/foo,Prefix:/foo", "/foo/x", "Prefix:/foo")]
    [InlineData("ImplementationSpecific:/foo", "/foo/bar", "ImplementationSpecific:/foo")]
    [InlineData("ImplementationSpecific:/foo", "/foobar", "-")]
    public void RouteTable_FollowsTheKubernetesExamples(string rules, string path, string expected)
    {
        var host = CompileHost(rules);

        var route = host.Match(new DefaultHttpContext().Request, path, out _);

        Assert.Equal(expected, route is null ? "-" : ServiceToRule(route));
    }

    [Fact]
    public void Matching_AllocatesNothing()
    {
        var host = CompileHost("Prefix:/,Prefix:/aaa,Prefix:/aaa/bbb,Exact:/aaa/bbb/ccc,Prefix:/zzz/yyy/xxx");
        var request = new DefaultHttpContext().Request;
        for (var i = 0; i < 100; i++)
        {
            host.Match(request, "/aaa/bbb/ccc/ddd", out _);
        }

        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 10_000; i++)
        {
            host.Match(request, "/aaa/bbb/ccc/ddd", out _);
            host.Match(request, "/aaa/bbb/ccc", out _);
        }

        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }

    [Theory]
    [InlineData("bar.foo.com", "ingress *.foo.com")]
    [InlineData("BAR.foo.com", "ingress *.foo.com")]
    [InlineData("baz.bar.foo.com", "envoy *.com")]
    [InlineData("foo.com", "envoy *.com")]
    public void IngressWildcard_CoversExactlyOneLabel_AndFallsThroughOtherwise(string host, string expected)
    {
        var table = new VirtualHostTable(
        [
            ("*.foo.com", new CompiledVirtualHost("ingress *.foo.com", []) { WildcardMatchesOneLabel = true }),
            ("*.com", new CompiledVirtualHost("envoy *.com", [])),
        ]);

        Assert.Equal(expected, table.Find(host, 80)!.Name);
    }

    /// <summary>One Ingress on host "h" whose paths each go to a Service named after the rule ("prefix-aaa-bbb-").</summary>
    private static CompiledVirtualHost CompileHost(string rules)
    {
        var paths = rules.Split(',').Select(rule =>
        {
            var (type, path) = (rule[..rule.IndexOf(':')], rule[(rule.IndexOf(':') + 1)..]);
            return $"          - {{ path: \"{path}\", pathType: {type}, backend: {{ service: {{ name: {ServiceName(rule)}, port: {{ number: 80 }} }} }} }}\n";
        });
        var yaml = """
            apiVersion: networking.k8s.io/v1
            kind: IngressClass
            metadata: { name: sluice }
            spec: { controller: gateway.sluice.dev/ingress-controller }
            ---
            apiVersion: networking.k8s.io/v1
            kind: Ingress
            metadata: { name: examples }
            spec:
              ingressClassName: sluice
              rules:
                - host: h
                  http:
                    paths:

            """ + string.Concat(paths);
        var loaded = new ResourceFileLoader(FilterRegistry.Default).Load("examples.yaml", yaml);
        var index = new ResourceIndex(loaded.Documents.Select(d => d.Resource ?? throw new InvalidOperationException(string.Join('\n', d.Diagnostics))));
        var compiled = new IngressTranslator(IngressConverter.Default).Compile(index, id => new UpstreamCluster(id.Name, [], ForwarderRequestConfig.Empty));
        return Assert.Single(compiled.Domains).Host;
    }

    private static string ServiceName(string rule) =>
        rule.ToLowerInvariant().Replace("implementationspecific", "is", StringComparison.Ordinal).Replace(':', '-').Replace('/', 's');

    private static string ServiceToRule(CompiledRoute route)
    {
        var cluster = ((ForwardTarget)route.Target).Clusters[0].Cluster.Name;
        var service = cluster["default-".Length..^"-80".Length];
        var type = service.StartsWith("is-", StringComparison.Ordinal) ? "ImplementationSpecific" : service.StartsWith("exact-", StringComparison.Ordinal) ? "Exact" : "Prefix";
        return type + ":" + service[(service.IndexOf('-') + 1)..].Replace('s', '/');
    }
}
