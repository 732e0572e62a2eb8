using System.Text;
using System.Text.Json;
using k8s.Models;
using Sluice.Discovery.Loading;

namespace Sluice.Discovery.Kubernetes;

/// <summary>
/// Turns cluster objects into the text the file loader reads (JSON is YAML), so that an object from the cluster is
/// loaded, validated and reported exactly as the same object in a file. Server-managed fields (status, resourceVersion,
/// managedFields, kubectl's last-applied annotation) are left out: the text changes only when what we serve would.
/// </summary>
public static class KubernetesDocuments
{
    private const string LastAppliedAnnotation = "kubectl.kubernetes.io/last-applied-configuration";

    /// <summary>Where a cluster object came from, in diagnostics and the admin API: <c>k8s:GROUP/KIND/NAMESPACE/NAME</c>.</summary>
    public static string OriginOf(string group, string kind, string? ns, string name) =>
        $"k8s:{(group.Length == 0 ? "core" : group)}/{kind}/{(string.IsNullOrEmpty(ns) ? "-" : ns)}/{name}";

    public static bool TryParseOrigin(string? origin, out string group, out string kind, out string? ns, out string name)
    {
        group = kind = name = string.Empty;
        ns = null;
        if (origin is null || !origin.StartsWith("k8s:", StringComparison.Ordinal))
        {
            return false;
        }

        var parts = origin[4..].Split('/');
        if (parts.Length != 4)
        {
            return false;
        }

        (group, kind, ns, name) = (parts[0] == "core" ? string.Empty : parts[0], parts[1], parts[2] == "-" ? null : parts[2], parts[3]);
        return true;
    }

    public static string CustomResourceText(CustomResource item) => Write(json =>
    {
        json.WriteString("apiVersion", item.ApiVersion);
        json.WriteString("kind", item.Kind);
        WriteMetadata(json, item.Metadata);
        foreach (var (name, value) in item.Fields)
        {
            if (name != "status")
            {
                json.WritePropertyName(name);
                value.WriteTo(json);
            }
        }
    });

    public static string SecretText(V1Secret secret) => Write(json =>
    {
        json.WriteString("apiVersion", "v1");
        json.WriteString("kind", "Secret");
        WriteMetadata(json, secret.Metadata);
        if (secret.Type is not null)
        {
            json.WriteString("type", secret.Type);
        }

        json.WriteStartObject("data");
        foreach (var (key, value) in secret.Data ?? new Dictionary<string, byte[]>())
        {
            json.WriteString(key, Convert.ToBase64String(value));
        }

        json.WriteEndObject();
    });

    /// <summary>
    /// The Upstream Gloo's discovery would create for one Service port: a <c>kube</c> upstream named
    /// <see cref="KubernetesNames.UpstreamName"/>, HTTP/2 when the port's appProtocol or name says so (h2, h2c, http2, grpc).
    /// </summary>
    public static string DiscoveredUpstreamText(V1Service service, V1ServicePort port) => Write(json =>
    {
        var ns = service.Metadata.NamespaceProperty ?? "default";
        json.WriteString("apiVersion", ResourceKinds.SluiceApiVersion);
        json.WriteString("kind", "Upstream");
        json.WriteStartObject("metadata");
        json.WriteString("name", KubernetesNames.UpstreamName(ns, service.Metadata.Name, port.Port));
        json.WriteString("namespace", ns);
        json.WriteStartObject("labels");
        json.WriteString("discovered_by", "kubernetesplugin");
        foreach (var (key, value) in service.Metadata.Labels ?? new Dictionary<string, string>())
        {
            if (key != "discovered_by")
            {
                json.WriteString(key, value);
            }
        }

        json.WriteEndObject();
        json.WriteEndObject();
        json.WriteStartObject("spec");
        json.WriteStartObject("kube");
        json.WriteString("serviceName", service.Metadata.Name);
        json.WriteString("serviceNamespace", ns);
        json.WriteNumber("servicePort", port.Port);
        json.WriteStartObject("selector");
        foreach (var (key, value) in service.Spec?.Selector ?? new Dictionary<string, string>())
        {
            json.WriteString(key, value);
        }

        json.WriteEndObject();
        json.WriteEndObject();
        if (IsHttp2(port))
        {
            json.WriteBoolean("useHttp2", true);
        }

        json.WriteEndObject();
    });

    private static bool IsHttp2(V1ServicePort port)
    {
        var protocol = (port.AppProtocol ?? string.Empty).ToLowerInvariant();
        var name = (port.Name ?? string.Empty).ToLowerInvariant();
        return protocol.Contains("h2", StringComparison.Ordinal) || protocol.Contains("http2", StringComparison.Ordinal) || protocol.Contains("grpc", StringComparison.Ordinal)
            || name.StartsWith("grpc", StringComparison.Ordinal) || name.StartsWith("h2", StringComparison.Ordinal) || name.StartsWith("http2", StringComparison.Ordinal);
    }

    private static void WriteMetadata(Utf8JsonWriter json, V1ObjectMeta metadata)
    {
        json.WriteStartObject("metadata");
        json.WriteString("name", metadata.Name);
        if (metadata.NamespaceProperty is not null)
        {
            json.WriteString("namespace", metadata.NamespaceProperty);
        }

        if (metadata.Labels is { Count: > 0 } labels)
        {
            json.WriteStartObject("labels");
            foreach (var (key, value) in labels)
            {
                json.WriteString(key, value);
            }

            json.WriteEndObject();
        }

        if (metadata.Annotations is { Count: > 0 } annotations && annotations.Keys.Any(k => k != LastAppliedAnnotation))
        {
            json.WriteStartObject("annotations");
            foreach (var (key, value) in annotations)
            {
                if (key != LastAppliedAnnotation)
                {
                    json.WriteString(key, value);
                }
            }

            json.WriteEndObject();
        }

        if (metadata.Generation is { } generation)
        {
            json.WriteNumber("generation", generation);
        }

        json.WriteEndObject();
    }

    private static string Write(Action<Utf8JsonWriter> body)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            json.WriteStartObject();
            body(json);
            json.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.ToArray()) + "\n";
    }
}
