using System.Collections;
using System.Collections.Concurrent;
using System.Globalization;
using System.Reflection;
using Sluice.Discovery.Model;
using Sluice.Filters;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Sluice.Discovery.Loading;

/// <summary>
/// Binds YAML nodes to the schema records strictly: every field must be known, of the right type, and required
/// fields present. Each field's position is recorded by path so later validation can point at it. Property names
/// are Gloo's camelCase field names. Reflection runs only at load time, never on the request path.
/// </summary>
internal sealed class YamlBinder(FilterRegistry filters)
{
    private static readonly ConcurrentDictionary<Type, SchemaType> Schemas = new();

    public object? Bind(YamlNode node, Type type, string path, BindingDiagnostics diagnostics)
    {
        diagnostics.Positions.Add(path, PositionOf(node));
        if (IsNull(node))
        {
            return null;
        }

        var underlying = Nullable.GetUnderlyingType(type) ?? type;
        if (underlying == typeof(string))
        {
            return Scalar(node, path, "a string", diagnostics);
        }

        if (underlying == typeof(bool))
        {
            var text = Scalar(node, path, "true or false", diagnostics);
            return text switch
            {
                null => null,
                "true" or "True" or "TRUE" => true,
                "false" or "False" or "FALSE" => false,
                _ => Fail(diagnostics, path, node, $"expected true or false, got '{text}'"),
            };
        }

        if (underlying == typeof(int) || underlying == typeof(uint) || underlying == typeof(long))
        {
            return BindInteger(node, underlying, path, diagnostics);
        }

        if (underlying == typeof(double))
        {
            var text = Scalar(node, path, "a number", diagnostics);
            return text is null ? null
                : double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var number) ? number
                : Fail(diagnostics, path, node, $"expected a number, got '{text}'");
        }

        if (underlying == typeof(TimeSpan))
        {
            return BindDuration(node, path, diagnostics);
        }

        if (underlying.IsEnum)
        {
            var text = Scalar(node, path, "one of " + string.Join(", ", Enum.GetNames(underlying)), diagnostics);
            if (text is null)
            {
                return null;
            }

            foreach (var name in Enum.GetNames(underlying))
            {
                if (string.Equals(name, text, StringComparison.Ordinal))
                {
                    return Enum.Parse(underlying, name);
                }
            }

            return int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var ordinal) && Enum.IsDefined(underlying, ordinal)
                ? Enum.ToObject(underlying, ordinal)
                : Fail(diagnostics, path, node, $"'{text}' is not one of {string.Join(", ", Enum.GetNames(underlying))}");
        }

        if (underlying == typeof(StructuredValue))
        {
            return StructuredValueBinder.Bind(node);
        }

        if (underlying == typeof(OptionSet))
        {
            return BindOptions(node, path, diagnostics);
        }

        if (underlying.IsGenericType && underlying.GetGenericTypeDefinition() == typeof(IReadOnlyList<>))
        {
            return BindList(node, underlying.GetGenericArguments()[0], path, diagnostics);
        }

        if (underlying == typeof(IReadOnlyDictionary<string, string>))
        {
            return BindStringMap(node, path, diagnostics);
        }

        if (underlying.IsGenericType && underlying.GetGenericTypeDefinition() == typeof(IReadOnlyDictionary<,>) && underlying.GetGenericArguments()[0] == typeof(string))
        {
            return BindRecordMap(node, underlying.GetGenericArguments()[1], path, diagnostics);
        }

        return BindRecord(node, underlying, path, diagnostics);
    }

    /// <summary>Binds an empty value (<c>spec:</c> with nothing after it) so that required fields are still reported.</summary>
    public object BindEmpty(YamlNode emptyNode, Type type, string path, BindingDiagnostics diagnostics) =>
        BindRecord(new YamlMappingNode(), type, path, diagnostics, PositionOf(emptyNode))!;

    public static SourcePosition PositionOf(YamlNode node) => new((int)node.Start.Line, (int)node.Start.Column);

    private static bool IsNull(YamlNode node) =>
        node is YamlScalarNode { Style: ScalarStyle.Plain, Value: null or "" or "~" or "null" or "Null" or "NULL" };

    private static object? Fail(BindingDiagnostics diagnostics, string path, YamlNode node, string message)
    {
        diagnostics.Error(path, PositionOf(node), message);
        return null;
    }

    private static string? Scalar(YamlNode node, string path, string expected, BindingDiagnostics diagnostics)
    {
        if (node is YamlScalarNode scalar)
        {
            return scalar.Value ?? string.Empty;
        }

        diagnostics.Error(path, PositionOf(node), $"expected {expected}, got a {Describe(node)}");
        return null;
    }

    private static string Describe(YamlNode node) => node switch
    {
        YamlMappingNode => "mapping",
        YamlSequenceNode => "list",
        _ => "scalar",
    };

    private static object? BindInteger(YamlNode node, Type type, string path, BindingDiagnostics diagnostics)
    {
        var text = Scalar(node, path, "an integer", diagnostics);
        if (text is null)
        {
            return null;
        }

        if (!long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var value))
        {
            return Fail(diagnostics, path, node, $"expected an integer, got '{text}'");
        }

        if (type == typeof(uint) && (value < 0 || value > uint.MaxValue))
        {
            return Fail(diagnostics, path, node, $"must be between 0 and {uint.MaxValue}, got {value}");
        }

        if (type == typeof(int) && (value < int.MinValue || value > int.MaxValue))
        {
            return Fail(diagnostics, path, node, $"must be between {int.MinValue} and {int.MaxValue}, got {value}");
        }

        return Convert.ChangeType(value, type, CultureInfo.InvariantCulture);
    }

    private static object? BindDuration(YamlNode node, string path, BindingDiagnostics diagnostics)
    {
        if (node is YamlMappingNode mapping)
        {
            // Protobuf's object form: { seconds: 1, nanos: 500000000 }.
            long seconds = 0, nanos = 0;
            foreach (var (keyNode, valueNode) in mapping.Children)
            {
                var key = (keyNode as YamlScalarNode)?.Value;
                var text = (valueNode as YamlScalarNode)?.Value;
                if ((key != "seconds" && key != "nanos") || !long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var part))
                {
                    return Fail(diagnostics, path, valueNode, "a duration mapping takes integer 'seconds' and 'nanos'");
                }

                if (key == "seconds")
                {
                    // Protobuf's Duration range is about ±10,000 years; TimeSpan's is a little larger.
                    if (Math.Abs(part) > 315_576_000_000L)
                    {
                        return Fail(diagnostics, path, valueNode, $"a duration of {part} seconds is out of range");
                    }

                    seconds = part;
                }
                else
                {
                    nanos = part;
                }
            }

            if (Math.Abs(nanos) > 999_999_999)
            {
                return Fail(diagnostics, path, node, $"nanos must be below one second, got {nanos}");
            }

            return TimeSpan.FromSeconds(seconds) + TimeSpan.FromTicks(nanos / 100);
        }

        var value = Scalar(node, path, "a duration like '15s' or '250ms'", diagnostics);
        return value is null ? null
            : DurationParser.TryParse(value, out var duration) ? duration
            : Fail(diagnostics, path, node, $"'{value}' is not a duration; write it with a unit, like '15s', '1.5s' or '250ms'");
    }

    private object? BindList(YamlNode node, Type elementType, string path, BindingDiagnostics diagnostics)
    {
        if (node is not YamlSequenceNode sequence)
        {
            return Fail(diagnostics, path, node, $"expected a list, got a {Describe(node)}");
        }

        var list = (IList)Activator.CreateInstance(typeof(List<>).MakeGenericType(elementType))!;
        var index = 0;
        foreach (var child in sequence.Children)
        {
            var itemPath = $"{path}[{index++}]";
            var item = Bind(child, elementType, itemPath, diagnostics);
            if (item is null)
            {
                if (!IsNull(child))
                {
                    continue;
                }

                diagnostics.Error(itemPath, PositionOf(child), "list items must not be empty");
                continue;
            }

            list.Add(item);
        }

        return list;
    }

    private static Dictionary<string, string>? BindStringMap(YamlNode node, string path, BindingDiagnostics diagnostics)
    {
        if (node is not YamlMappingNode mapping)
        {
            Fail(diagnostics, path, node, $"expected a mapping of strings, got a {Describe(node)}");
            return null;
        }

        var map = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (keyNode, valueNode) in mapping.Children)
        {
            var key = (keyNode as YamlScalarNode)?.Value ?? string.Empty;
            var childPath = $"{path}.{key}";
            diagnostics.Positions.Add(childPath, PositionOf(valueNode));
            if (valueNode is YamlScalarNode scalar)
            {
                map[key] = scalar.Value ?? string.Empty;
            }
            else
            {
                diagnostics.Error(childPath, PositionOf(valueNode), $"expected a string, got a {Describe(valueNode)}");
            }
        }

        return map;
    }

    /// <summary>Protobuf's <c>map&lt;string, Message&gt;</c>, such as Gloo's <c>headers: {x-foo: {text: ...}}</c>; keys keep their order.</summary>
    private object? BindRecordMap(YamlNode node, Type valueType, string path, BindingDiagnostics diagnostics)
    {
        if (node is not YamlMappingNode mapping)
        {
            return Fail(diagnostics, path, node, $"expected a mapping, got a {Describe(node)}");
        }

        var map = (IDictionary)Activator.CreateInstance(typeof(OrderedDictionary<,>).MakeGenericType(typeof(string), valueType), StringComparer.Ordinal)!;
        foreach (var (keyNode, valueNode) in mapping.Children)
        {
            var key = (keyNode as YamlScalarNode)?.Value ?? string.Empty;
            var childPath = $"{path}.{key}";
            if (map.Contains(key))
            {
                diagnostics.Error(childPath, PositionOf(keyNode), $"duplicate key '{key}'");
                continue;
            }

            var value = Bind(valueNode, valueType, childPath, diagnostics);
            if (value is not null)
            {
                map[key] = value;
            }
            else if (IsNull(valueNode))
            {
                diagnostics.Error(childPath, PositionOf(valueNode), "map values must not be empty");
            }
        }

        return map;
    }

    private OptionSet? BindOptions(YamlNode node, string path, BindingDiagnostics diagnostics)
    {
        if (node is not YamlMappingNode mapping)
        {
            Fail(diagnostics, path, node, $"expected a mapping of options, got a {Describe(node)}");
            return null;
        }

        var values = new Dictionary<string, object>(StringComparer.Ordinal);
        foreach (var (keyNode, valueNode) in mapping.Children)
        {
            var name = (keyNode as YamlScalarNode)?.Value ?? string.Empty;
            var optionPath = $"{path}.{name}";
            diagnostics.Positions.Add(optionPath, PositionOf(keyNode));
            if (!filters.TryGet(name, out var descriptor))
            {
                var severity = GlooOptionCatalog.SeverityOf(name);
                if (severity is { } known)
                {
                    diagnostics.Report(known, optionPath, PositionOf(keyNode), known == DiagnosticSeverity.Error
                        ? $"Gloo option '{name}' is not supported by Sluice yet; remove it or the resource cannot be served as written"
                        : $"Gloo option '{name}' is not supported by Sluice yet and is ignored");
                }
                else
                {
                    diagnostics.Error(optionPath, PositionOf(keyNode),
                        $"unknown option '{name}'{Suggest(name, filters.OptionNames)}; supported options: {string.Join(", ", filters.OptionNames.Order(StringComparer.Ordinal))}");
                }

                continue;
            }

            var value = Bind(valueNode, descriptor.OptionsType, optionPath, diagnostics);
            if (value is null)
            {
                continue;
            }

            descriptor.Validate(value, new OptionDiagnosticsAdapter(diagnostics, optionPath));
            diagnostics.ReferencedFiles.AddRange(descriptor.ReferencedFiles(value));
            values[name] = value;
        }

        return new OptionSet(values);
    }

    private object? BindRecord(YamlNode node, Type type, string path, BindingDiagnostics diagnostics, SourcePosition? position = null)
    {
        if (node is not YamlMappingNode mapping)
        {
            return Fail(diagnostics, path, node, $"expected a mapping, got a {Describe(node)}");
        }

        var schema = Schemas.GetOrAdd(type, static t => new SchemaType(t));
        var instance = Activator.CreateInstance(type)!;
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (keyNode, valueNode) in mapping.Children)
        {
            var key = (keyNode as YamlScalarNode)?.Value ?? string.Empty;
            var fieldPath = path.Length == 0 ? key : $"{path}.{key}";
            if (schema.Ignored.Contains(key))
            {
                continue;
            }

            if (!schema.Properties.TryGetValue(key, out var property))
            {
                ReportUnknownField(schema, key, fieldPath, PositionOf(keyNode), diagnostics);
                continue;
            }

            seen.Add(key);
            var value = Bind(valueNode, property.PropertyType, fieldPath, diagnostics);
            if (value is not null)
            {
                property.SetValue(instance, value);
            }
        }

        foreach (var required in schema.Required)
        {
            if (!seen.Contains(required))
            {
                diagnostics.Error(path.Length == 0 ? required : $"{path}.{required}", position ?? PositionOf(node), $"missing required field '{required}'");
            }
        }

        return instance;
    }

    private static void ReportUnknownField(SchemaType schema, string key, string fieldPath, SourcePosition position, BindingDiagnostics diagnostics)
    {
        if (schema.GlooUnsupported.TryGetValue(key, out var severity))
        {
            diagnostics.Report(severity, fieldPath, position, severity == DiagnosticSeverity.Error
                ? $"Gloo field '{key}' is not supported by Sluice yet; remove it or the resource cannot be served as written"
                : $"Gloo field '{key}' is not supported by Sluice yet and is ignored");
            return;
        }

        diagnostics.Error(fieldPath, position,
            $"unknown field '{key}'{Suggest(key, schema.Properties.Keys)}; expected one of: {string.Join(", ", schema.Properties.Keys)}");
    }

    internal static string Suggest(string name, IEnumerable<string> candidates)
    {
        string? best = null;
        var bestDistance = int.MaxValue;
        foreach (var candidate in candidates)
        {
            var distance = EditDistance(name.ToLowerInvariant(), candidate.ToLowerInvariant());
            if (distance < bestDistance)
            {
                bestDistance = distance;
                best = candidate;
            }
        }

        return best is not null && bestDistance <= Math.Max(2, name.Length / 4) ? $" (did you mean '{best}'?)" : string.Empty;
    }

    private static int EditDistance(string a, string b)
    {
        var previous = new int[b.Length + 1];
        var current = new int[b.Length + 1];
        for (var j = 0; j <= b.Length; j++)
        {
            previous[j] = j;
        }

        for (var i = 1; i <= a.Length; i++)
        {
            current[0] = i;
            for (var j = 1; j <= b.Length; j++)
            {
                var cost = a[i - 1] == b[j - 1] ? 0 : 1;
                current[j] = Math.Min(Math.Min(current[j - 1] + 1, previous[j] + 1), previous[j - 1] + cost);
            }

            (previous, current) = (current, previous);
        }

        return previous[b.Length];
    }

    private sealed class SchemaType
    {
        public SchemaType(Type type)
        {
            foreach (var property in type.GetProperties(BindingFlags.Public | BindingFlags.Instance))
            {
                if (property.SetMethod is null)
                {
                    continue;
                }

                var name = char.ToLowerInvariant(property.Name[0]) + property.Name[1..];
                Properties[name] = property;
                if (property.GetCustomAttribute<RequiredFieldAttribute>() is not null)
                {
                    Required.Add(name);
                }
            }

            foreach (var field in type.GetCustomAttribute<IgnoredFieldsAttribute>()?.Fields ?? [])
            {
                Ignored.Add(field);
            }

            foreach (var attribute in type.GetCustomAttributes<GlooUnsupportedAttribute>())
            {
                foreach (var field in attribute.Fields)
                {
                    GlooUnsupported[field] = attribute.Severity;
                }
            }

            foreach (var attribute in type.GetCustomAttributes<GlooFieldsNotImplementedAttribute>())
            {
                foreach (var field in attribute.Fields)
                {
                    GlooUnsupported[field] = attribute.IgnoringChangesBehaviour ? DiagnosticSeverity.Error : DiagnosticSeverity.Warning;
                }
            }
        }

        public Dictionary<string, PropertyInfo> Properties { get; } = new(StringComparer.Ordinal);

        public List<string> Required { get; } = [];

        public HashSet<string> Ignored { get; } = new(StringComparer.Ordinal);

        public Dictionary<string, DiagnosticSeverity> GlooUnsupported { get; } = new(StringComparer.Ordinal);
    }

    private sealed class OptionDiagnosticsAdapter(BindingDiagnostics diagnostics, string optionPath) : IOptionsDiagnostics
    {
        public void Error(string relativePath, string message)
        {
            var path = Combine(relativePath);
            diagnostics.Error(path, diagnostics.Positions.Find(path) ?? default, message);
        }

        public void Warning(string relativePath, string message)
        {
            var path = Combine(relativePath);
            diagnostics.Warning(path, diagnostics.Positions.Find(path) ?? default, message);
        }

        private string Combine(string relativePath) => relativePath.Length == 0 ? optionPath : $"{optionPath}.{relativePath}";
    }
}
