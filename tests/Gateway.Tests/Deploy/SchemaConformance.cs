using System.Globalization;
using System.Text.RegularExpressions;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Sluice.Gateway.Tests.Deploy;

/// <summary>
/// Checks a YAML value against a structural schema the way the API server would after kubectl turned the YAML into
/// JSON: plain scalars take YAML 1.1's types, nulls are dropped, and a field the schema does not declare is refused
/// (kubectl's default <c>--validate=strict</c>). Enough to prove the CRDs accept what the loader accepts.
/// </summary>
internal static partial class SchemaConformance
{
    public static IReadOnlyList<string> Check(YamlNode value, YamlMappingNode schema, string path = "spec")
    {
        var problems = new List<string>();
        Check(value, schema, path, problems);
        return problems;
    }

    private static void Check(YamlNode value, YamlMappingNode schema, string path, List<string> problems)
    {
        if (value is YamlScalarNode { Style: ScalarStyle.Plain, Value: null or "" or "~" or "null" })
        {
            return;
        }

        var type = SchemaWalk.Scalar(schema, "type");
        if (type is null)
        {
            if (SchemaWalk.Scalar(schema, "x-kubernetes-preserve-unknown-fields") != "true")
            {
                problems.Add($"{path}: schema node has neither a type nor x-kubernetes-preserve-unknown-fields");
            }

            return;
        }

        switch (type)
        {
            case "object":
                CheckObject(value, schema, path, problems);
                break;
            case "array" when value is YamlSequenceNode sequence:
                var items = (YamlMappingNode)SchemaWalk.Child(schema, "items")!;
                for (var i = 0; i < sequence.Children.Count; i++)
                {
                    Check(sequence.Children[i], items, $"{path}[{i}]", problems);
                }

                break;
            case "string" or "integer" or "number" or "boolean" when value is YamlScalarNode scalar:
                var actual = ScalarType(scalar);
                if (!(actual == type || (type == "number" && actual == "integer")))
                {
                    problems.Add($"{path}: '{scalar.Value}' is {actual}, the schema wants {type}");
                }
                else if (SchemaWalk.Child(schema, "enum") is YamlSequenceNode allowed && !allowed.Children.Any(a => ((YamlScalarNode)a).Value == scalar.Value))
                {
                    problems.Add($"{path}: '{scalar.Value}' is not in the enum");
                }
                else if (type == "integer" && SchemaWalk.Scalar(schema, "minimum") is { } minimum && long.Parse(scalar.Value!, CultureInfo.InvariantCulture) < long.Parse(minimum, CultureInfo.InvariantCulture))
                {
                    problems.Add($"{path}: {scalar.Value} is below the minimum {minimum}");
                }

                break;
            default:
                problems.Add($"{path}: a {value.NodeType} where the schema wants {type}");
                break;
        }
    }

    private static void CheckObject(YamlNode value, YamlMappingNode schema, string path, List<string> problems)
    {
        if (value is not YamlMappingNode mapping)
        {
            problems.Add($"{path}: a {value.NodeType} where the schema wants an object");
            return;
        }

        var properties = SchemaWalk.Child(schema, "properties") as YamlMappingNode;
        var additional = SchemaWalk.Child(schema, "additionalProperties") as YamlMappingNode;
        var preserve = SchemaWalk.Scalar(schema, "x-kubernetes-preserve-unknown-fields") == "true";
        foreach (var (keyNode, child) in mapping.Children)
        {
            var key = ((YamlScalarNode)keyNode).Value!;
            if (properties is not null && properties.Children.TryGetValue(keyNode, out var propertySchema))
            {
                Check(child, (YamlMappingNode)propertySchema, $"{path}.{key}", problems);
            }
            else if (additional is not null)
            {
                Check(child, additional, $"{path}.{key}", problems);
            }
            else if (!preserve)
            {
                problems.Add($"{path}.{key}: unknown field");
            }
        }

        if (SchemaWalk.Child(schema, "required") is YamlSequenceNode required)
        {
            foreach (var name in required.Children.Select(r => ((YamlScalarNode)r).Value!))
            {
                if (!mapping.Children.ContainsKey(new YamlScalarNode(name)))
                {
                    problems.Add($"{path}.{name}: required");
                }
            }
        }
    }

    private static string ScalarType(YamlScalarNode scalar)
    {
        if (scalar.Style != ScalarStyle.Plain)
        {
            return "string";
        }

        var text = scalar.Value ?? string.Empty;
        return text is "true" or "false" or "True" or "False" or "TRUE" or "FALSE" ? "boolean"
            : Integer().IsMatch(text) ? "integer"
            : Float().IsMatch(text) ? "number"
            : "string";
    }

    [GeneratedRegex(@"^[-+]?[0-9]+$")]
    private static partial Regex Integer();

    [GeneratedRegex(@"^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$")]
    private static partial Regex Float();
}
