using System.Globalization;
using System.Text;
using System.Text.Json;
using Sluice.Filters;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Sluice.Discovery.Loading;

/// <summary>
/// Binds a field that takes a string or any structure (Gloo's <c>google.protobuf.Any</c>, e.g. a Wasm filter's
/// <c>config</c>): a scalar is its text; a <c>StringValue</c> Any is its value; anything else is rendered as JSON
/// (the value of a <c>Struct</c> Any, or the mapping itself).
/// </summary>
internal static class StructuredValueBinder
{
    public static StructuredValue Bind(YamlNode node)
    {
        if (node is YamlScalarNode scalar)
        {
            return new StructuredValue(scalar.Value ?? string.Empty, IsString: true);
        }

        if (node is YamlMappingNode mapping && Child(mapping, "@type") is YamlScalarNode { Value: { } type } && Child(mapping, "value") is { } value)
        {
            if ((type.EndsWith("google.protobuf.StringValue", StringComparison.Ordinal) || type.EndsWith("google.protobuf.BytesValue", StringComparison.Ordinal)) && value is YamlScalarNode text)
            {
                return new StructuredValue(text.Value ?? string.Empty, IsString: true);
            }

            node = value;
        }

        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            Write(writer, node);
        }

        return new StructuredValue(Encoding.UTF8.GetString(buffer.ToArray()), IsString: false);
    }

    private static YamlNode? Child(YamlMappingNode mapping, string key)
    {
        foreach (var (name, value) in mapping.Children)
        {
            if (name is YamlScalarNode { Value: { } text } && text == key)
            {
                return value;
            }
        }

        return null;
    }

    private static void Write(Utf8JsonWriter writer, YamlNode node)
    {
        switch (node)
        {
            case YamlMappingNode mapping:
                writer.WriteStartObject();
                foreach (var (key, value) in mapping.Children)
                {
                    writer.WritePropertyName((key as YamlScalarNode)?.Value ?? string.Empty);
                    Write(writer, value);
                }

                writer.WriteEndObject();
                break;
            case YamlSequenceNode sequence:
                writer.WriteStartArray();
                foreach (var item in sequence.Children)
                {
                    Write(writer, item);
                }

                writer.WriteEndArray();
                break;
            case YamlScalarNode scalar:
                WriteScalar(writer, scalar);
                break;
            default:
                writer.WriteNullValue();
                break;
        }
    }

    private static void WriteScalar(Utf8JsonWriter writer, YamlScalarNode scalar)
    {
        var text = scalar.Value ?? string.Empty;
        if (scalar.Style != ScalarStyle.Plain)
        {
            writer.WriteStringValue(text);
            return;
        }

        switch (text)
        {
            case "" or "~" or "null" or "Null" or "NULL":
                writer.WriteNullValue();
                return;
            case "true" or "True" or "TRUE":
                writer.WriteBooleanValue(true);
                return;
            case "false" or "False" or "FALSE":
                writer.WriteBooleanValue(false);
                return;
        }

        if (long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var integer))
        {
            writer.WriteNumberValue(integer);
        }
        else if (double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var number) && double.IsFinite(number))
        {
            writer.WriteNumberValue(number);
        }
        else
        {
            writer.WriteStringValue(text);
        }
    }
}
