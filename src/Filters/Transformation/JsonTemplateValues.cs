using System.Globalization;
using System.Text.Encodings.Web;
using System.Text.Json;
using Fluid;
using Fluid.Values;

namespace Sluice.Filters.Transformation;

/// <summary>
/// JSON body values as Liquid sees them: scalars become Liquid strings, numbers and booleans so filters and
/// comparisons behave as written; objects stay views over the parsed document and print as JSON, as Inja prints them.
/// </summary>
internal static class JsonTemplateValues
{
    public static FluidValue From(JsonElement element) => element.ValueKind switch
    {
        JsonValueKind.Object => new JsonObjectValue(element),
        JsonValueKind.Array => ToArray(element),
        JsonValueKind.String => StringValue.Create(element.GetString() ?? string.Empty),
        JsonValueKind.Number => element.TryGetDecimal(out var number) ? NumberValue.Create(number) : StringValue.Create(element.GetRawText()),
        JsonValueKind.True => BooleanValue.True,
        JsonValueKind.False => BooleanValue.False,
        _ => NilValue.Instance,
    };

    /// <summary>A member of an object, or nil: missing fields render empty, as Liquid does.</summary>
    public static FluidValue Member(JsonElement element, string name) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var value) ? From(value) : NilValue.Instance;

    public static FluidValue Index(JsonElement element, FluidValue index)
    {
        if (element.ValueKind == JsonValueKind.Object)
        {
            return Member(element, index.ToStringValue());
        }

        if (element.ValueKind == JsonValueKind.Array && index.Type == FluidValues.Number)
        {
            var position = (int)index.ToNumberValue();
            var length = element.GetArrayLength();
            if (position < 0)
            {
                position += length;
            }

            return position >= 0 && position < length ? From(element[position]) : NilValue.Instance;
        }

        return NilValue.Instance;
    }

    private static ArrayValue ToArray(JsonElement element)
    {
        var values = new FluidValue[element.GetArrayLength()];
        var i = 0;
        foreach (var item in element.EnumerateArray())
        {
            values[i++] = From(item);
        }

        return new ArrayValue(values);
    }
}

/// <summary>A JSON object: fields by <c>.name</c> or <c>["name"]</c>; printed as its JSON text.</summary>
internal sealed class JsonObjectValue(JsonElement element) : FluidValue
{
    public JsonElement Element { get; } = element;

    public override FluidValues Type => FluidValues.Object;

    public override bool Equals(FluidValue other) =>
        other is JsonObjectValue json && string.Equals(json.Element.GetRawText(), Element.GetRawText(), StringComparison.Ordinal);

    public override bool ToBooleanValue() => true;

    public override decimal ToNumberValue() => 0;

    public override string ToStringValue() => Element.GetRawText();

    public override object ToObjectValue() => Element;

    public override ValueTask<FluidValue> GetValueAsync(string name, TemplateContext context) => JsonTemplateValues.Member(Element, name);

    public override ValueTask<FluidValue> GetIndexAsync(FluidValue index, TemplateContext context) => JsonTemplateValues.Index(Element, index);

    public override IEnumerable<FluidValue> Enumerate(TemplateContext context)
    {
        foreach (var property in Element.EnumerateObject())
        {
            yield return new ArrayValue([StringValue.Create(property.Name), JsonTemplateValues.From(property.Value)]);
        }
    }

    /// <summary>JSON text is written as is: escaping it would break the very structure it is.</summary>
    public override ValueTask WriteToAsync(TextWriter writer, TextEncoder encoder, CultureInfo cultureInfo)
    {
        writer.Write(Element.GetRawText());
        return ValueTask.CompletedTask;
    }

    public override int GetHashCode() => Element.GetRawText().GetHashCode(StringComparison.Ordinal);

    public override bool Equals(object? obj) => obj is FluidValue other && Equals(other);
}
