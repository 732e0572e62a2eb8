using System.Globalization;
using System.Net;
using System.Text.Json.Nodes;
using Sluice.EndToEnd.Tests.Kubernetes;
using Sluice.Kubernetes.Fixture;
using YamlDotNet.RepresentationModel;

namespace Sluice.EndToEnd.Tests.Ingress;

/// <summary>
/// Conformance through the Kubernetes API, as the gateway runs in a cluster: each Service and its EndpointSlices are
/// created in the in-process API server (one slice per replica, since each echo backend has its own loopback port),
/// the manifests are created as objects, and the gateway with <c>--kubernetes</c> discovers, converts and serves them.
/// </summary>
public sealed class ApiServerIngressEnvironment : IIngressEnvironment
{
    private static readonly TimeSpan Settled = TimeSpan.FromMilliseconds(800);

    private readonly KubernetesGateway _gateway;

    private ApiServerIngressEnvironment(KubernetesGateway gateway)
    {
        _gateway = gateway;
    }

    public IPEndPoint HttpEndpoint => new(IPAddress.Loopback, _gateway.IngressPort);

    public IPEndPoint HttpsEndpoint => new(IPAddress.Loopback, _gateway.IngressHttpsPort);

    public static async Task<ApiServerIngressEnvironment> StartAsync() => new(await KubernetesGateway.StartAsync());

    public async Task ApplyAsync(IReadOnlyList<(ConformanceService Service, IReadOnlyList<int> Endpoints)> endpoints, string manifests)
    {
        var api = _gateway.Api;
        var before = _gateway.Version;
        foreach (var (service, ports) in endpoints)
        {
            api.Apply("v1", "services", KubernetesObjects.Service(service.Namespace, service.Name, [.. service.Ports.Select(p => (p.Name, p.Port, p.Port))]));
            for (var replica = 0; replica < ports.Count; replica++)
            {
                api.Apply("discovery.k8s.io/v1", "endpointslices", KubernetesObjects.EndpointSlice(service.Namespace, $"{service.Name}-{replica}", service.Name,
                    [("127.0.0.1", true, true, false)], [.. service.Ports.Select(p => (p.Name, ports[replica]))]));
            }
        }

        foreach (var manifest in Documents(manifests))
        {
            var kind = manifest["kind"]!.GetValue<string>();
            api.Apply(manifest["apiVersion"]!.GetValue<string>(), Plural(kind), manifest);
        }

        await WaitUntilSettledAsync(before);
    }

    public ValueTask DisposeAsync() => _gateway.DisposeAsync();

    /// <summary>Returns once a new configuration serves and no further change arrived for a while (the controller batches events).</summary>
    private async Task WaitUntilSettledAsync(long before)
    {
        await KubernetesGateway.EventuallyAsync(() => Task.FromResult(_gateway.Version > before), "the cluster's objects are served");
        var version = _gateway.Version;
        var quietSince = DateTime.UtcNow;
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(20);
        while (DateTime.UtcNow - quietSince < Settled && DateTime.UtcNow < deadline)
        {
            await Task.Delay(50);
            if (_gateway.Version != version)
            {
                version = _gateway.Version;
                quietSince = DateTime.UtcNow;
            }
        }
    }

    private static string Plural(string kind) => kind switch
    {
        "Ingress" => "ingresses",
        "IngressClass" => "ingressclasses",
        "Secret" => "secrets",
        "Service" => "services",
        _ => throw new NotSupportedException($"conformance manifests hold no {kind}"),
    };

    private static IEnumerable<JsonObject> Documents(string yaml)
    {
        var stream = new YamlStream();
        stream.Load(new StringReader(yaml));
        foreach (var document in stream.Documents)
        {
            if (document.RootNode is YamlMappingNode mapping)
            {
                yield return (JsonObject)ToJson(mapping)!;
            }
        }
    }

    /// <summary>YAML to the JSON kubectl would send: plain scalars that read as numbers or booleans become them.</summary>
    private static JsonNode? ToJson(YamlNode node) => node switch
    {
        YamlMappingNode mapping => new JsonObject(mapping.Children.Select(child => KeyValuePair.Create(((YamlScalarNode)child.Key).Value!, ToJson(child.Value)))),
        YamlSequenceNode sequence => new JsonArray([.. sequence.Children.Select(ToJson)]),
        YamlScalarNode { Style: YamlDotNet.Core.ScalarStyle.Plain } scalar when long.TryParse(scalar.Value, NumberStyles.Integer, CultureInfo.InvariantCulture, out var number) => JsonValue.Create(number),
        YamlScalarNode { Style: YamlDotNet.Core.ScalarStyle.Plain, Value: "true" or "false" } scalar => JsonValue.Create(scalar.Value == "true"),
        YamlScalarNode { Style: YamlDotNet.Core.ScalarStyle.Plain, Value: null or "" or "~" or "null" } => null,
        YamlScalarNode scalar => JsonValue.Create(scalar.Value),
        _ => null,
    };
}
