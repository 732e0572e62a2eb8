namespace Sluice.Discovery.Model;

/// <summary>Gloo's <c>matchers.core.gloo.solo.io.Matcher</c>: the conditions inside one matcher are ANDed.</summary>
[GlooUnsupported(DiagnosticSeverity.Error, "connectMatcher")]
public sealed record Matcher
{
    public string? Prefix { get; init; }

    public string? Exact { get; init; }

    public string? Regex { get; init; }

    public IReadOnlyList<HeaderMatcher> Headers { get; init; } = [];

    public IReadOnlyList<QueryParameterMatcher> QueryParameters { get; init; } = [];

    public IReadOnlyList<string> Methods { get; init; } = [];

    /// <summary>Defaults to true, as in Gloo.</summary>
    public bool? CaseSensitive { get; init; }
}

public sealed record HeaderMatcher
{
    [Sluice.Filters.RequiredField]
    public string Name { get; init; } = string.Empty;

    /// <summary>Empty means "header present".</summary>
    public string? Value { get; init; }

    /// <summary>When true, <see cref="Value"/> is a regex matched against the whole header value.</summary>
    public bool Regex { get; init; }

    public bool InvertMatch { get; init; }
}

public sealed record QueryParameterMatcher
{
    [Sluice.Filters.RequiredField]
    public string Name { get; init; } = string.Empty;

    /// <summary>Empty means "parameter present".</summary>
    public string? Value { get; init; }

    public bool Regex { get; init; }
}
