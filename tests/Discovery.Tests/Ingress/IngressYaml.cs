using Sluice.Discovery.Graph;
using Sluice.Discovery.Ingress;
using Sluice.Discovery.Model;

namespace Sluice.Discovery.Tests.Ingress;

/// <summary>Builders for the Kubernetes documents Ingress tests need, and the conversion run on them.</summary>
internal static class IngressYaml
{
    public const string OurClass = """
        apiVersion: networking.k8s.io/v1
        kind: IngressClass
        metadata:
          name: sluice
        spec:
          controller: gateway.sluice.dev/ingress-controller
        ---

        """;

    /// <summary>A static Upstream named as discovery names the Service port.</summary>
    public static string Upstream(string ns, string service, int port) => $"""
        apiVersion: gateway.sluice.dev/v1
        kind: Upstream
        metadata:
          name: {ns}-{service}-{port}
          namespace: {ns}
        spec:
          static:
            hosts:
              - addr: 127.0.0.1
                port: 9
        ---

        """;

    public static IngressRoutingPlan Convert(string yaml, IServicePortResolver? ports = null) =>
        new IngressConverter(IngressControllerSettings.Default, ports).Convert(Yaml.Index(yaml));

    public static IReadOnlyList<Diagnostic> Problems(string yaml, IServicePortResolver? ports = null) =>
        [.. Convert(yaml, ports).Problems.Select(p => p.Diagnostic)];

    /// <summary>One line per path of a host: "Exact /foo -> ns/upstream".</summary>
    public static string[] Describe(IngressHostRoutes host) =>
        [.. host.Paths.Select(p => $"{p.Match} {p.Written} -> {p.Target.Upstream.Namespace}/{p.Target.Upstream.Name}")];

    public static IngressHostRoutes Host(IngressRoutingPlan plan, string host) => Assert.Single(plan.Hosts, h => h.Host == host);

    public static ResourceIndex Index(string yaml) => Yaml.Index(yaml);
}

internal sealed class FixedPorts(Dictionary<(string Ns, string Service, string Name), int> ports) : IServicePortResolver
{
    public bool TryResolvePort(string ns, string service, string portName, out int port) => ports.TryGetValue((ns, service, portName), out port);
}
