using System.Text.Json.Nodes;

namespace Sluice.Kubernetes.Fixture;

/// <summary>Builders for the objects tests put in the fixture, in the shape kubectl would send.</summary>
public static class KubernetesObjects
{
    public static JsonObject Metadata(string ns, string name, IReadOnlyDictionary<string, string>? labels = null)
    {
        var metadata = new JsonObject { ["name"] = name, ["namespace"] = ns };
        if (labels is not null)
        {
            var map = new JsonObject();
            foreach (var (key, value) in labels)
            {
                map[key] = value;
            }

            metadata["labels"] = map;
        }

        return metadata;
    }

    public static JsonObject Namespace(string name, IReadOnlyDictionary<string, string>? labels = null)
    {
        var metadata = Metadata(string.Empty, name, labels);
        metadata.Remove("namespace");
        return new JsonObject { ["apiVersion"] = "v1", ["kind"] = "Namespace", ["metadata"] = metadata };
    }

    /// <summary>A ClusterIP Service; each port is (name, port, targetPort).</summary>
    public static JsonObject Service(string ns, string name, IReadOnlyList<(string? Name, int Port, int TargetPort)> ports, IReadOnlyDictionary<string, string>? labels = null)
    {
        var array = new JsonArray();
        foreach (var (portName, port, target) in ports)
        {
            var entry = new JsonObject { ["port"] = port, ["targetPort"] = target, ["protocol"] = "TCP" };
            if (portName is not null)
            {
                entry["name"] = portName;
            }

            array.Add(entry);
        }

        return new JsonObject
        {
            ["apiVersion"] = "v1",
            ["kind"] = "Service",
            ["metadata"] = Metadata(ns, name, labels),
            ["spec"] = new JsonObject { ["type"] = "ClusterIP", ["selector"] = new JsonObject { ["app"] = name }, ["ports"] = array },
        };
    }

    /// <summary>
    /// An EndpointSlice of <paramref name="service"/>: each endpoint is (address, ready, serving, terminating); each
    /// port is (name, port) — the name is the Service port's name, the port the target port on the Pods.
    /// </summary>
    public static JsonObject EndpointSlice(string ns, string name, string service,
        IReadOnlyList<(string Address, bool Ready, bool Serving, bool Terminating)> endpoints,
        IReadOnlyList<(string? Name, int Port)> ports)
    {
        var endpointArray = new JsonArray();
        foreach (var (address, ready, serving, terminating) in endpoints)
        {
            endpointArray.Add(new JsonObject
            {
                ["addresses"] = new JsonArray(address),
                ["conditions"] = new JsonObject { ["ready"] = ready, ["serving"] = serving, ["terminating"] = terminating },
            });
        }

        var portArray = new JsonArray();
        foreach (var (portName, port) in ports)
        {
            var entry = new JsonObject { ["port"] = port, ["protocol"] = "TCP" };
            if (portName is not null)
            {
                entry["name"] = portName;
            }

            portArray.Add(entry);
        }

        return new JsonObject
        {
            ["apiVersion"] = "discovery.k8s.io/v1",
            ["kind"] = "EndpointSlice",
            ["metadata"] = Metadata(ns, name, new Dictionary<string, string> { ["kubernetes.io/service-name"] = service }),
            ["addressType"] = "IPv4",
            ["endpoints"] = endpointArray,
            ["ports"] = portArray,
        };
    }

    public static JsonObject Secret(string ns, string name, IReadOnlyDictionary<string, string> stringData, string type = "Opaque")
    {
        var data = new JsonObject();
        foreach (var (key, value) in stringData)
        {
            data[key] = Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes(value));
        }

        return new JsonObject { ["apiVersion"] = "v1", ["kind"] = "Secret", ["metadata"] = Metadata(ns, name), ["type"] = type, ["data"] = data };
    }

    /// <summary>A custom resource with its spec given as JSON text.</summary>
    public static JsonObject Custom(string apiVersion, string kind, string ns, string name, string specJson) => new()
    {
        ["apiVersion"] = apiVersion,
        ["kind"] = kind,
        ["metadata"] = Metadata(ns, name),
        ["spec"] = JsonNode.Parse(specJson),
    };
}
