namespace Sluice.Filters.Rewrite;

/// <summary>Gloo's <c>regexRewrite</c>: <c>pattern.regex</c> and a <c>substitution</c> with <c>\1</c> group references.</summary>
public sealed record RegexRewriteOptions
{
    [RequiredField]
    public RegexPattern Pattern { get; init; } = new();

    [RequiredField]
    public string Substitution { get; init; } = string.Empty;
}

/// <summary>Gloo's <c>RegexMatcher</c>: a <c>regex</c> string (the <c>googleRe2</c> engine choice is accepted and ignored).</summary>
public sealed record RegexPattern
{
    [RequiredField]
    public string Regex { get; init; } = string.Empty;

    public GoogleRe2Options? GoogleRe2 { get; init; }
}

/// <summary>Accepted for compatibility: Sluice always uses a linear-time engine.</summary>
public sealed record GoogleRe2Options
{
    public uint? MaxProgramSize { get; init; }
}
