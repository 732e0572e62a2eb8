using System.Collections.Frozen;
using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using Fluid;
using Fluid.Values;

namespace Sluice.Filters.Transformation;

/// <summary>
/// The root every template name resolves against, one per transformation of one message. Gloo's Inja callbacks
/// are here both as functions (<c>header("x")</c>, Inja's spelling) and as objects (<c>header.x</c>, <c>header["x"]</c>);
/// then extractor names; then the fields of the JSON body at top level, as Gloo exposes them.
/// </summary>
internal sealed class TemplateScope : FluidValue
{
    public const string HeaderName = "header";
    public const string RequestHeaderName = "request_header";
    public const string ExtractionName = "extraction";
    public const string BodyName = "body";
    public const string ContextName = "context";

    private static readonly FrozenDictionary<string, FluidValue> Functions = new Dictionary<string, FluidValue>(StringComparer.Ordinal)
    {
        ["env"] = new FunctionValue(static (arguments, _) => StringValue.Create(Environment.GetEnvironmentVariable(arguments.At(0).ToStringValue()) ?? string.Empty)),
        ["base64_encode"] = new FunctionValue(static (arguments, _) => StringValue.Create(Convert.ToBase64String(Encoding.UTF8.GetBytes(arguments.At(0).ToStringValue())))),
        ["base64_decode"] = new FunctionValue(static (arguments, _) => StringValue.Create(DecodeBase64(arguments.At(0).ToStringValue()))),
        ["substring"] = new FunctionValue(static (arguments, _) => StringValue.Create(Substring(arguments))),
        ["raw_string"] = new FunctionValue(static (arguments, _) => new RawStringValue(arguments.At(0).ToStringValue())),
    }.ToFrozenDictionary(StringComparer.Ordinal);

    private readonly ProxyExchange _exchange;
    private readonly bool _response;
    private readonly IReadOnlyList<string> _extractorNames;
    private readonly string[] _extractions;
    private readonly BodyContent _body;
    private readonly JsonElement? _json;

    public TemplateScope(ProxyExchange exchange, bool response, IReadOnlyList<string> extractorNames, string[] extractions, BodyContent body, JsonElement? json)
    {
        _exchange = exchange;
        _response = response;
        _extractorNames = extractorNames;
        _extractions = extractions;
        _body = body;
        _json = json;
    }

    public override FluidValues Type => FluidValues.Object;

    public static bool IsBuiltIn(string name) =>
        name is HeaderName or RequestHeaderName or ExtractionName or BodyName or ContextName || Functions.ContainsKey(name);

    /// <summary>A header of the message being transformed (the response, in a response transformation).</summary>
    public string Header(string name) =>
        _response ? MessageHeaders.Response(_exchange.HttpContext.Response, name) : MessageHeaders.Request(_exchange, name);

    public string RequestHeader(string name) => MessageHeaders.Request(_exchange, name);

    public string Extraction(string name)
    {
        for (var i = 0; i < _extractorNames.Count; i++)
        {
            if (string.Equals(_extractorNames[i], name, StringComparison.Ordinal))
            {
                return _extractions[i];
            }
        }

        return string.Empty;
    }

    public override ValueTask<FluidValue> GetValueAsync(string name, TemplateContext context)
    {
        switch (name)
        {
            case HeaderName:
                return new HeaderLookupValue(this, request: false);
            case RequestHeaderName:
                return new HeaderLookupValue(this, request: true);
            case ExtractionName:
                return new ExtractionLookupValue(this);
            case BodyName:
                return new BodyValue(_body, _json);
            case ContextName:
                return new ContextValue(_json);
        }

        if (Functions.TryGetValue(name, out var function))
        {
            return function;
        }

        for (var i = 0; i < _extractorNames.Count; i++)
        {
            if (string.Equals(_extractorNames[i], name, StringComparison.Ordinal))
            {
                return StringValue.Create(_extractions[i]);
            }
        }

        return _json is { } json ? JsonTemplateValues.Member(json, name) : NilValue.Instance;
    }

    public override bool Equals(FluidValue other) => ReferenceEquals(this, other);

    public override bool ToBooleanValue() => true;

    public override decimal ToNumberValue() => 0;

    public override string ToStringValue() => string.Empty;

    public override object ToObjectValue() => this;

    public override bool Equals(object? obj) => ReferenceEquals(this, obj);

    public override int GetHashCode() => _exchange.GetHashCode();

    private static string DecodeBase64(string input)
    {
        var buffer = new byte[(input.Length * 3 / 4) + 3];
        return Convert.TryFromBase64String(input, buffer, out var written) ? Encoding.UTF8.GetString(buffer, 0, written) : string.Empty;
    }

    /// <summary>Gloo's <c>substring(text, start, length?)</c>: out-of-range starts give empty, a length past the end is cut.</summary>
    private static string Substring(FunctionArguments arguments)
    {
        var text = arguments.At(0).ToStringValue();
        if (arguments.At(1).Type != FluidValues.Number)
        {
            return string.Empty;
        }

        var start = (long)arguments.At(1).ToNumberValue();
        if (start < 0 || start >= text.Length)
        {
            return string.Empty;
        }

        var length = arguments.Count > 2 && arguments.At(2).Type == FluidValues.Number ? (long)arguments.At(2).ToNumberValue() : -1;
        return length <= 0 || start + length > text.Length ? text[(int)start..] : text.Substring((int)start, (int)length);
    }
}

/// <summary>Shared plumbing for the lookup objects below; none of them is a value of its own.</summary>
internal abstract class LookupValue : FluidValue
{
    public override FluidValues Type => FluidValues.Object;

    public override bool Equals(FluidValue other) => ReferenceEquals(this, other);

    public override bool ToBooleanValue() => true;

    public override decimal ToNumberValue() => 0;

    public override string ToStringValue() => string.Empty;

    public override object ToObjectValue() => this;

    public override bool Equals(object? obj) => ReferenceEquals(this, obj);

    public override int GetHashCode() => 0;

    public override ValueTask<FluidValue> GetIndexAsync(FluidValue index, TemplateContext context) => GetValueAsync(index.ToStringValue(), context);

    public override ValueTask<FluidValue> InvokeAsync(FunctionArguments arguments, TemplateContext context) =>
        arguments.Count == 0 ? NilValue.Instance : GetValueAsync(arguments.At(0).ToStringValue(), context);
}

/// <summary><c>header("x")</c>, <c>header.x</c>, <c>header["x"]</c>; <c>request_header</c> likewise.</summary>
internal sealed class HeaderLookupValue(TemplateScope scope, bool request) : LookupValue
{
    public override ValueTask<FluidValue> GetValueAsync(string name, TemplateContext context) =>
        StringValue.Create(request ? scope.RequestHeader(name) : scope.Header(name));
}

/// <summary><c>extraction("name")</c>, <c>extraction.name</c>.</summary>
internal sealed class ExtractionLookupValue(TemplateScope scope) : LookupValue
{
    public override ValueTask<FluidValue> GetValueAsync(string name, TemplateContext context) => StringValue.Create(scope.Extraction(name));
}

/// <summary><c>context()</c>: the parsed JSON body itself (Gloo's base context), for ranging over a body that is an array.</summary>
internal sealed class ContextValue(JsonElement? json) : LookupValue
{
    public override ValueTask<FluidValue> GetValueAsync(string name, TemplateContext context) =>
        json is { } root ? JsonTemplateValues.Member(root, name) : NilValue.Instance;

    public override ValueTask<FluidValue> InvokeAsync(FunctionArguments arguments, TemplateContext context) =>
        json is { } root ? JsonTemplateValues.From(root) : NilValue.Instance;
}

/// <summary>
/// <c>body</c> and <c>body()</c> are the raw body text (Gloo's <c>body()</c>); <c>body.user.id</c> reaches a JSON field
/// even when a built-in name shadows it at top level.
/// </summary>
internal sealed class BodyValue(BodyContent body, JsonElement? json) : FluidValue
{
    public override FluidValues Type => FluidValues.String;

    public override bool Equals(FluidValue other) => string.Equals(other.ToStringValue(), body.Text, StringComparison.Ordinal);

    public override bool ToBooleanValue() => true;

    public override decimal ToNumberValue() => decimal.TryParse(body.Text, NumberStyles.Number, CultureInfo.InvariantCulture, out var number) ? number : 0;

    public override string ToStringValue() => body.Text;

    public override object ToObjectValue() => body.Text;

    public override ValueTask<FluidValue> GetValueAsync(string name, TemplateContext context)
    {
        var member = json is { } root ? JsonTemplateValues.Member(root, name) : NilValue.Instance;

        // Liquid's size filter asks the value for "size"; a body with no such JSON field answers its text length.
        return member.IsNil() && name == "size" ? NumberValue.Create(body.Text.Length) : member;
    }

    public override ValueTask<FluidValue> GetIndexAsync(FluidValue index, TemplateContext context) =>
        json is { } root ? JsonTemplateValues.Index(root, index) : NilValue.Instance;

    public override ValueTask<FluidValue> InvokeAsync(FunctionArguments arguments, TemplateContext context) => StringValue.Create(body.Text);

    public override ValueTask WriteToAsync(TextWriter writer, TextEncoder encoder, CultureInfo cultureInfo)
    {
        encoder.Encode(writer, body.Text);
        return ValueTask.CompletedTask;
    }

    public override bool Equals(object? obj) => obj is FluidValue other && Equals(other);

    public override int GetHashCode() => body.Text.GetHashCode(StringComparison.Ordinal);
}

/// <summary>Inja's <c>raw_string(x)</c>: printed without escaping even under <c>escapeCharacters</c>.</summary>
internal sealed class RawStringValue(string text) : FluidValue
{
    public override FluidValues Type => FluidValues.String;

    public override bool Equals(FluidValue other) => string.Equals(other.ToStringValue(), text, StringComparison.Ordinal);

    public override bool ToBooleanValue() => true;

    public override decimal ToNumberValue() => 0;

    public override string ToStringValue() => text;

    public override object ToObjectValue() => text;

    public override ValueTask WriteToAsync(TextWriter writer, TextEncoder encoder, CultureInfo cultureInfo)
    {
        writer.Write(text);
        return ValueTask.CompletedTask;
    }

    public override bool Equals(object? obj) => obj is FluidValue other && Equals(other);

    public override int GetHashCode() => text.GetHashCode(StringComparison.Ordinal);
}
