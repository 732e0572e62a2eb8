using System.Text.Json.Nodes;

namespace Sluice.Kubernetes.Fixture;

/// <summary>
/// RFC 7386 JSON merge patch. Strategic-merge patches are applied the same way: for the kinds the controller
/// patches (metadata, status of Ingresses and CRDs) the only difference would be list merging by key, which
/// nothing here relies on; a list in a strategic patch replaces the stored list.
/// </summary>
internal static class JsonMergePatch
{
    public static JsonNode? Apply(JsonNode? target, JsonNode? patch)
    {
        if (patch is not JsonObject patchObject)
        {
            return patch?.DeepClone();
        }

        var result = target is JsonObject targetObject ? (JsonObject)targetObject.DeepClone() : [];
        foreach (var (key, value) in patchObject)
        {
            if (value is null)
            {
                result.Remove(key);
            }
            else
            {
                var merged = Apply(result[key], value);
                result[key] = merged;
            }
        }

        return result;
    }
}
