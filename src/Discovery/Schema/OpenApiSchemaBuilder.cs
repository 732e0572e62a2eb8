using System.Reflection;
using Sluice.Discovery.Loading;
using Sluice.Discovery.Model;
using Sluice.Filters;

namespace Sluice.Discovery.Schema;

/// <summary>
/// Turns a model type into a structural OpenAPI v3 schema by the binding rules of <see cref="YamlBinder"/>: camelCase
/// settable properties, <see cref="RequiredFieldAttribute"/> as <c>required</c>, durations and enums as strings,
/// string-keyed dictionaries as <c>additionalProperties</c>, and <see cref="OptionSet"/> as one property per registered
/// filter. Fields Sluice knows from Gloo but does not implement keep <c>x-kubernetes-preserve-unknown-fields</c>, so
/// the API server lets them through to the admission webhook, which reports them by name as the loader does.
/// </summary>
internal sealed class OpenApiSchemaBuilder(FilterRegistry filters)
{
    public const string PreserveUnknownFields = "x-kubernetes-preserve-unknown-fields";

    /// <summary>Marks a field that takes a string or any structure by design (a Wasm filter's configuration).</summary>
    public const string FreeFormNote = "A string, or any structure (passed on as JSON).";

    /// <summary>The description of a node where a recursive type stops being spelled out.</summary>
    public const string RecursionNote = "Nested deeper than the CRD schema spells out (structural schemas cannot recurse); checked by the admission webhook.";

    /// <summary>How many times a type may nest inside itself before its schema is left open.</summary>
    private const int RecursionDepth = 3;

    private readonly Stack<Type> _visiting = new();

    public OrderedDictionary<string, object> SchemaOf(Type type)
    {
        var underlying = Nullable.GetUnderlyingType(type) ?? type;
        if (underlying == typeof(string))
        {
            return Node("string");
        }

        if (underlying == typeof(bool))
        {
            return Node("boolean");
        }

        if (underlying == typeof(int))
        {
            return Node("integer", ("format", "int32"));
        }

        if (underlying == typeof(long))
        {
            return Node("integer", ("format", "int64"));
        }

        if (underlying == typeof(uint))
        {
            return Node("integer", ("format", "int64"), ("minimum", 0L), ("maximum", (long)uint.MaxValue));
        }

        if (underlying == typeof(double))
        {
            return Node("number", ("format", "double"));
        }

        if (underlying == typeof(TimeSpan))
        {
            // The loader also takes protobuf's {seconds, nanos} form; the CRD asks for the string form Gloo documents.
            return Node("string");
        }

        if (underlying.IsEnum)
        {
            return Node("string", ("enum", Enum.GetNames(underlying).Cast<object>().ToList()));
        }

        if (underlying == typeof(OptionSet))
        {
            return OptionSetSchema();
        }

        if (underlying == typeof(Sluice.Filters.StructuredValue))
        {
            // A string or any structure (a Wasm filter's configuration): the loader turns either into text.
            return new OrderedDictionary<string, object>(StringComparer.Ordinal) { ["description"] = FreeFormNote, [PreserveUnknownFields] = true };
        }

        if (underlying.IsGenericType && underlying.GetGenericTypeDefinition() == typeof(IReadOnlyList<>))
        {
            return Node("array", ("items", SchemaOf(underlying.GetGenericArguments()[0])));
        }

        if (underlying.IsGenericType && underlying.GetGenericTypeDefinition() == typeof(IReadOnlyDictionary<,>))
        {
            if (underlying.GetGenericArguments()[0] != typeof(string))
            {
                throw new NotSupportedException($"{underlying}: only string-keyed maps bind from YAML");
            }

            return Node("object", ("additionalProperties", SchemaOf(underlying.GetGenericArguments()[1])));
        }

        if (underlying.IsPrimitive || underlying == typeof(decimal) || underlying == typeof(object) || underlying.IsInterface)
        {
            throw new NotSupportedException($"{underlying} has no binding rule in YamlBinder, so it has no CRD schema either");
        }

        return RecordSchema(underlying);
    }

    private OrderedDictionary<string, object> RecordSchema(Type type)
    {
        if (_visiting.Count(visited => visited == type) >= RecursionDepth)
        {
            // Structural schemas have no $ref, so a type that contains itself (Envoy's and/or access log filters) is
            // spelled out this deep and left open below; the loader and the admission webhook still check it all.
            return Node("object", ("description", RecursionNote), (PreserveUnknownFields, true));
        }

        _visiting.Push(type);
        try
        {
            var properties = new SortedDictionary<string, object>(StringComparer.Ordinal);
            var required = new List<object>();
            foreach (var property in type.GetProperties(BindingFlags.Public | BindingFlags.Instance))
            {
                if (property.SetMethod is null)
                {
                    continue;
                }

                var name = char.ToLowerInvariant(property.Name[0]) + property.Name[1..];
                properties[name] = SchemaOf(property.PropertyType);
                if (property.GetCustomAttribute<RequiredFieldAttribute>() is not null)
                {
                    required.Add(name);
                }
            }

            foreach (var attribute in type.GetCustomAttributes<GlooUnsupportedAttribute>())
            {
                foreach (var field in attribute.Fields)
                {
                    properties.TryAdd(field, Unsupported());
                }
            }

            foreach (var field in type.GetCustomAttribute<IgnoredFieldsAttribute>()?.Fields ?? [])
            {
                properties.TryAdd(field, Unsupported());
            }

            var node = Node("object");
            if (properties.Count > 0)
            {
                node["properties"] = new OrderedDictionary<string, object>(properties, StringComparer.Ordinal);
            }

            if (required.Count > 0)
            {
                required.Sort((a, b) => string.CompareOrdinal((string)a, (string)b));
                node["required"] = required;
            }

            return node;
        }
        finally
        {
            _visiting.Pop();
        }
    }

    private OrderedDictionary<string, object> OptionSetSchema()
    {
        var properties = new SortedDictionary<string, object>(StringComparer.Ordinal);
        foreach (var name in filters.OptionNames)
        {
            filters.TryGet(name, out var descriptor);
            properties[name] = SchemaOf(descriptor.OptionsType);
        }

        foreach (var name in GlooOptionCatalog.Names)
        {
            properties.TryAdd(name, Unsupported());
        }

        return Node("object", ("properties", new OrderedDictionary<string, object>(properties, StringComparer.Ordinal)));
    }

    /// <summary>A Gloo field Sluice does not implement: any shape passes the API server, the webhook names it.</summary>
    private static OrderedDictionary<string, object> Unsupported() => new(StringComparer.Ordinal) { [PreserveUnknownFields] = true };

    private static OrderedDictionary<string, object> Node(string type, params (string Key, object Value)[] more)
    {
        var node = new OrderedDictionary<string, object>(StringComparer.Ordinal) { ["type"] = type };
        foreach (var (key, value) in more)
        {
            node[key] = value;
        }

        return node;
    }
}
