using System.Collections.Concurrent;
using System.Net;
using System.Text;
using Microsoft.Extensions.DependencyInjection;
using Sluice.Discovery.Ingress;
using Sluice.Discovery.Kubernetes;
using Sluice.EndToEnd.Tests.Harness;

namespace Sluice.EndToEnd.Tests.Ingress;

/// <summary>
/// Conformance from files, as a VM user runs Sluice: each Service port becomes a static Upstream named as discovery
/// would name it, named ports are answered by a resolver standing in for the Service cache, and the manifests are
/// one more file in the watched directory.
/// </summary>
public sealed class FileIngressEnvironment : IIngressEnvironment
{
    private readonly GatewayFixture _gateway;
    private readonly StaticServicePorts _ports;

    private FileIngressEnvironment(GatewayFixture gateway, StaticServicePorts ports)
    {
        _gateway = gateway;
        _ports = ports;
    }

    public IPEndPoint HttpEndpoint => new(IPAddress.Loopback, _gateway.HttpPort);

    public IPEndPoint HttpsEndpoint => new(IPAddress.Loopback, _gateway.HttpsPort);

    public static async Task<FileIngressEnvironment> StartAsync()
    {
        var ports = new StaticServicePorts();
        var gateway = await GatewayFixture.StartAsync(writeConfig: null, runOptions: null, services: s => s.AddSingleton<IServicePortResolver>(ports));
        return new FileIngressEnvironment(gateway, ports);
    }

    public async Task ApplyAsync(IReadOnlyList<(ConformanceService Service, IReadOnlyList<int> Endpoints)> endpoints, string manifests)
    {
        var upstreams = new StringBuilder();
        foreach (var (service, ports) in endpoints)
        {
            foreach (var port in service.Ports)
            {
                if (port.Name is not null)
                {
                    _ports.Set(service.Namespace, service.Name, port.Name, port.Port);
                }

                upstreams.Append($"""
                    apiVersion: gateway.sluice.dev/v1
                    kind: Upstream
                    metadata:
                      name: {KubernetesNames.UpstreamName(service.Namespace, service.Name, port.Port)}
                      namespace: {service.Namespace}
                    spec:
                      static:
                        hosts:
                    {string.Concat(ports.Select(p => $"      - {{ addr: 127.0.0.1, port: {p} }}\n"))}---

                    """);
            }
        }

        // One file, written by rename, so the gateway never applies the Upstreams without the Ingresses (or the reverse),
        // nor a half-written file that a loaded machine lets it read before the quiet period ends.
        await _gateway.ApplyAsync(() => _gateway.WriteFileByRename("conformance.yaml", upstreams + manifests));
    }

    public ValueTask DisposeAsync() => _gateway.DisposeAsync();

    private sealed class StaticServicePorts : IServicePortResolver
    {
        private readonly ConcurrentDictionary<(string, string, string), int> _ports = new();

        public void Set(string ns, string service, string name, int port) => _ports[(ns, service, name)] = port;

        public bool TryResolvePort(string ns, string service, string portName, out int port) => _ports.TryGetValue((ns, service, portName), out port);
    }
}
