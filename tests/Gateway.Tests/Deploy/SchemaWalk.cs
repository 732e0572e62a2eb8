using YamlDotNet.RepresentationModel;

namespace Sluice.Gateway.Tests.Deploy;

/// <summary>Visits every node of an OpenAPI schema (as YAML) with its path, as the API server's structural checks do.</summary>
internal static class SchemaWalk
{
    public static IEnumerable<(string Path, YamlMappingNode Node)> All(YamlMappingNode root, string path = "")
    {
        yield return (path, root);
        if (Child(root, "properties") is YamlMappingNode properties)
        {
            foreach (var (name, child) in properties.Children)
            {
                var childPath = path.Length == 0 ? ((YamlScalarNode)name).Value! : $"{path}.{((YamlScalarNode)name).Value}";
                foreach (var node in All((YamlMappingNode)child, childPath))
                {
                    yield return node;
                }
            }
        }

        if (Child(root, "items") is YamlMappingNode items)
        {
            foreach (var node in All(items, path + "[]"))
            {
                yield return node;
            }
        }

        if (Child(root, "additionalProperties") is YamlMappingNode values)
        {
            foreach (var node in All(values, path + ".*"))
            {
                yield return node;
            }
        }
    }

    public static YamlNode? Child(YamlMappingNode node, string key) =>
        node.Children.TryGetValue(new YamlScalarNode(key), out var child) ? child : null;

    public static string? Scalar(YamlMappingNode node, string key) => (Child(node, key) as YamlScalarNode)?.Value;

    /// <summary>Follows a dotted path of mapping keys (<c>spec.versions</c> is not handled: lists need <see cref="Child"/>).</summary>
    public static YamlMappingNode Map(YamlMappingNode node, params string[] keys)
    {
        foreach (var key in keys)
        {
            node = (YamlMappingNode)(Child(node, key) ?? throw new KeyNotFoundException($"no '{key}'"));
        }

        return node;
    }
}
