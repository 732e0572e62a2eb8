namespace Sluice.Filters.Transformation;

/// <summary>Gloo's <c>Transformation</c>: exactly one kind; Sluice implements <c>transformationTemplate</c>.</summary>
public sealed record TransformationOptions
{
    public TransformationTemplateOptions? TransformationTemplate { get; init; }

    /// <summary>Refused: Sluice has no header-to-body transformer.</summary>
    public HeaderBodyTransformOptions? HeaderBodyTransform { get; init; }

    /// <summary>Refused: Gloo Enterprise's XSLT transformer.</summary>
    public XsltTransformationOptions? XsltTransformation { get; init; }

    /// <summary>Accepted for compatibility; Sluice does not log bodies (warning).</summary>
    public bool? LogRequestResponseInfo { get; init; }
}

/// <summary>
/// Gloo's <c>TransformationTemplate</c>. Templates are Liquid (Fluid), not Inja: see docs/filters/transformations.md
/// for the mapping. Everything is parsed when the configuration loads, never per request.
/// </summary>
public sealed record TransformationTemplateOptions
{
    /// <summary>Accepted; Liquid always uses dot notation, so JSON pointer paths are unavailable (warning when true).</summary>
    public bool AdvancedTemplates { get; init; }

    public IReadOnlyDictionary<string, ExtractionOptions> Extractors { get; init; } = new Dictionary<string, ExtractionOptions>();

    /// <summary>Replaces each header with the rendered value; an empty result removes it, as in Gloo.</summary>
    public IReadOnlyDictionary<string, TemplateText> Headers { get; init; } = new Dictionary<string, TemplateText>();

    public IReadOnlyList<HeaderToAppend> HeadersToAppend { get; init; } = [];

    public IReadOnlyList<string> HeadersToRemove { get; init; } = [];

    public TemplateText? Body { get; init; }

    /// <summary>Leaves the body alone and never buffers it.</summary>
    public EmptyMessage? Passthrough { get; init; }

    /// <summary>Replaces the body with a JSON object of the (parsed) body and every extraction; dots in names nest.</summary>
    public EmptyMessage? MergeExtractorsToBody { get; init; }

    /// <summary>Refused: not implemented.</summary>
    public MergeJsonKeysOptions? MergeJsonKeys { get; init; }

    public RequestBodyParse ParseBodyBehavior { get; init; }

    public bool IgnoreErrorOnParse { get; init; }

    /// <summary>Sluice has no dynamic metadata; ignored with a warning.</summary>
    public IReadOnlyList<DynamicMetadataValue> DynamicMetadataValues { get; init; } = [];

    /// <summary>Renders output values JSON-escaped (quotes, backslashes, control characters), as Inja does.</summary>
    public bool? EscapeCharacters { get; init; }

    /// <summary>Sluice has no tracing spans to rename; ignored with a warning.</summary>
    public SpanTransformerOptions? SpanTransformer { get; init; }
}

/// <summary>Gloo's <c>RequestBodyParse</c>.</summary>
public enum RequestBodyParse
{
    ParseAsJson = 0,
    DontParse = 1,
}

/// <summary>Gloo's <c>Extraction</c>: a regex over one header or the body; <c>mode</c> is EXTRACT, SINGLE_REPLACE or REPLACE_ALL.</summary>
public sealed record ExtractionOptions
{
    public string? Header { get; init; }

    public EmptyMessage? Body { get; init; }

    [RequiredField]
    public string Regex { get; init; } = string.Empty;

    public uint Subgroup { get; init; }

    public string? ReplacementText { get; init; }

    public string? Mode { get; init; }
}

/// <summary>Gloo's <c>InjaTemplate</c>; in Sluice the text is a Liquid template.</summary>
public sealed record TemplateText
{
    public string Text { get; init; } = string.Empty;
}

/// <summary>Gloo's <c>HeaderToAppend</c>.</summary>
public sealed record HeaderToAppend
{
    [RequiredField]
    public string Key { get; init; } = string.Empty;

    [RequiredField]
    public TemplateText Value { get; init; } = new();
}

/// <summary>Protobuf's <c>Empty</c> and Gloo's marker messages (<c>passthrough: {}</c>, <c>body: {}</c>).</summary>
public sealed record EmptyMessage;

public sealed record DynamicMetadataValue
{
    public string? MetadataNamespace { get; init; }

    public string? Key { get; init; }

    public TemplateText? Value { get; init; }

    public bool JsonToProto { get; init; }
}

public sealed record SpanTransformerOptions
{
    public TemplateText? Name { get; init; }
}

public sealed record MergeJsonKeysOptions
{
    public IReadOnlyDictionary<string, OverridableTemplate> JsonKeys { get; init; } = new Dictionary<string, OverridableTemplate>();
}

public sealed record OverridableTemplate
{
    public TemplateText? Tmpl { get; init; }

    public bool OverrideEmpty { get; init; }
}

public sealed record HeaderBodyTransformOptions
{
    public bool AddRequestMetadata { get; init; }
}

public sealed record XsltTransformationOptions
{
    public string? Xslt { get; init; }

    public string? SetContentType { get; init; }

    public bool NonXmlTransform { get; init; }
}
