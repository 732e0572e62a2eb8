namespace Sluice.Filters.Transformation;

/// <summary>
/// Gloo's <c>options.transformations</c>: one request and one response transformation for every request on the
/// route. As in Gloo, it runs as the regular stage and is ignored when <c>stagedTransformations.regular</c> is set.
/// </summary>
public sealed record TransformationsOptions
{
    public TransformationOptions? RequestTransformation { get; init; }

    public TransformationOptions? ResponseTransformation { get; init; }

    /// <summary>Sluice does not route again after a transformation; <c>true</c> is refused.</summary>
    public bool ClearRouteCache { get; init; }

    /// <summary>Sluice extension: the most body bytes a transformation buffers (request or response); 1 MiB by default.</summary>
    public long? MaxBodyBytes { get; init; }
}

/// <summary>Gloo's <c>options.stagedTransformations</c>: <c>early</c> runs before <c>regular</c>, each picking its first matching entry.</summary>
public sealed record TransformationStagesOptions
{
    public StageTransformationsOptions? Early { get; init; }

    public StageTransformationsOptions? Regular { get; init; }

    /// <summary>Sluice merges options by the most specific level only; <c>true</c> is refused.</summary>
    public bool InheritTransformation { get; init; }

    /// <summary>The default for every template's <c>escapeCharacters</c> in both stages.</summary>
    public bool? EscapeCharacters { get; init; }

    /// <summary>Accepted for compatibility; Sluice does not log bodies (warning).</summary>
    public bool? LogRequestResponseInfo { get; init; }

    /// <summary>Gloo Enterprise's third stage, after routing; refused.</summary>
    public StageTransformationsOptions? PostRouting { get; init; }

    /// <summary>Sluice extension: the most body bytes a transformation buffers (request or response); 1 MiB by default.</summary>
    public long? MaxBodyBytes { get; init; }
}

/// <summary>Gloo's <c>RequestResponseTransformations</c>: the first matching request entry applies, then one response transformation.</summary>
public sealed record StageTransformationsOptions
{
    public IReadOnlyList<TransformationRequestMatch> RequestTransforms { get; init; } = [];

    public IReadOnlyList<TransformationResponseMatch> ResponseTransforms { get; init; } = [];
}

/// <summary>Gloo's <c>RequestMatch</c>: no matcher matches every request.</summary>
public sealed record TransformationRequestMatch
{
    public TransformationMatcher? Matcher { get; init; }

    /// <summary>Sluice does not route again after a transformation; <c>true</c> is refused.</summary>
    public bool ClearRouteCache { get; init; }

    public TransformationOptions? RequestTransformation { get; init; }

    /// <summary>Applied to the response of a request this entry matched; response matchers are then not consulted.</summary>
    public TransformationOptions? ResponseTransformation { get; init; }
}

/// <summary>Gloo's <c>ResponseMatch</c>: every header matcher must match the response headers (<c>:status</c> included).</summary>
public sealed record TransformationResponseMatch
{
    public IReadOnlyList<TransformationHeaderMatcher> Matchers { get; init; } = [];

    /// <summary>Envoy's response code details have no equivalent in Sluice; refused.</summary>
    public string? ResponseCodeDetails { get; init; }

    public TransformationOptions? ResponseTransformation { get; init; }
}

/// <summary>Gloo's route <c>Matcher</c> as a transformation's request condition; the conditions are ANDed.</summary>
public sealed record TransformationMatcher
{
    public string? Prefix { get; init; }

    public string? Exact { get; init; }

    public string? Regex { get; init; }

    public IReadOnlyList<TransformationHeaderMatcher> Headers { get; init; } = [];

    public IReadOnlyList<TransformationQueryParameterMatcher> QueryParameters { get; init; } = [];

    public IReadOnlyList<string> Methods { get; init; } = [];

    /// <summary>Defaults to true, as in Gloo.</summary>
    public bool? CaseSensitive { get; init; }
}

/// <summary>Gloo's <c>HeaderMatcher</c>: no value means "present"; <c>regex</c> matches the whole value.</summary>
public sealed record TransformationHeaderMatcher
{
    [RequiredField]
    public string Name { get; init; } = string.Empty;

    public string? Value { get; init; }

    public bool Regex { get; init; }

    public bool InvertMatch { get; init; }
}

/// <summary>Gloo's <c>QueryParameterMatcher</c>: no value means "present"; <c>regex</c> matches the whole value.</summary>
public sealed record TransformationQueryParameterMatcher
{
    [RequiredField]
    public string Name { get; init; } = string.Empty;

    public string? Value { get; init; }

    public bool Regex { get; init; }
}
