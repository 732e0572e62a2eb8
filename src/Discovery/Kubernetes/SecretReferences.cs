using System.Text.Json;

namespace Sluice.Discovery.Kubernetes;

/// <summary>
/// Which Secrets a cluster object references, found by field name so every kind that references Secrets works
/// without a change here: any object under a field named <c>secretRef</c> or ending in <c>SecretRef</c> /
/// <c>SecretRefs</c> (Gloo's <c>{name, namespace}</c> refs: sslConfig, AuthConfig apiKeySecretRefs), and any string
/// field named <c>secretName</c> (Ingress <c>tls[].secretName</c>), which is in the object's own namespace.
/// </summary>
public static class SecretReferences
{
    public static void Collect(CustomResource item, HashSet<(string Namespace, string Name)> into)
    {
        var ns = item.Metadata.NamespaceProperty ?? string.Empty;
        foreach (var (name, value) in item.Fields)
        {
            if (name != "status")
            {
                Walk(value, ns, into);
            }
        }
    }

    private static void Walk(JsonElement element, string ns, HashSet<(string, string)> into)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.Object:
                foreach (var property in element.EnumerateObject())
                {
                    if (IsRefField(property.Name))
                    {
                        AddRef(property.Value, ns, into);
                    }
                    else if (property.Name == "secretName" && property.Value.ValueKind == JsonValueKind.String)
                    {
                        into.Add((ns, property.Value.GetString()!));
                    }

                    Walk(property.Value, ns, into);
                }

                break;
            case JsonValueKind.Array:
                foreach (var child in element.EnumerateArray())
                {
                    Walk(child, ns, into);
                }

                break;
        }
    }

    private static bool IsRefField(string name) =>
        name == "secretRef" || name.EndsWith("SecretRef", StringComparison.Ordinal) || name.EndsWith("SecretRefs", StringComparison.Ordinal);

    private static void AddRef(JsonElement value, string ns, HashSet<(string, string)> into)
    {
        if (value.ValueKind == JsonValueKind.Array)
        {
            foreach (var child in value.EnumerateArray())
            {
                AddRef(child, ns, into);
            }

            return;
        }

        if (value.ValueKind == JsonValueKind.Object && value.TryGetProperty("name", out var name) && name.ValueKind == JsonValueKind.String)
        {
            var refNamespace = value.TryGetProperty("namespace", out var given) && given.ValueKind == JsonValueKind.String && given.GetString() is { Length: > 0 } explicitNs
                ? explicitNs
                : ns;
            into.Add((refNamespace, name.GetString()!));
        }
    }
}
