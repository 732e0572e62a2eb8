namespace Sluice.Filters.Rbac;

/// <summary>
/// Gloo's <c>rbac</c> (<c>rbac.options.gloo.solo.io.ExtensionSettings</c>): allow a request when any policy matches,
/// deny (403) otherwise. A route's setting replaces its virtual host's.
/// </summary>
public sealed record RbacOptions
{
    public bool Disable { get; init; }

    public IReadOnlyDictionary<string, RbacPolicy> Policies { get; init; } = new Dictionary<string, RbacPolicy>();
}

public sealed record RbacPolicy
{
    /// <summary>Any one principal must match.</summary>
    public IReadOnlyList<RbacPrincipal> Principals { get; init; } = [];

    /// <summary>What the principals may do; everything when absent.</summary>
    public RbacPermissions? Permissions { get; init; }

    /// <summary>Reads claim names as paths into nested objects, split by this (e.g. <c>.</c>).</summary>
    public string? NestedClaimDelimiter { get; init; }
}

public sealed record RbacPrincipal
{
    [RequiredField]
    public JwtPrincipal JwtPrincipal { get; init; } = new();
}

public sealed record JwtPrincipal
{
    /// <summary>Every claim must be present with this value.</summary>
    public IReadOnlyDictionary<string, string> Claims { get; init; } = new Dictionary<string, string>();

    /// <summary>The JWT must come from this provider; any when empty.</summary>
    public string? Provider { get; init; }

    public ClaimMatcher Matcher { get; init; }
}

/// <summary>Gloo's <c>ClaimMatcher</c>.</summary>
public enum ClaimMatcher
{
    /// <summary>The claim is a string equal to the value.</summary>
    EXACT_STRING = 0,

    /// <summary>The claim is a boolean equal to the value (<c>"true"</c> or <c>"false"</c>).</summary>
    BOOLEAN = 1,

    /// <summary>The claim is a list holding the value.</summary>
    LIST_CONTAINS = 2,
}

public sealed record RbacPermissions
{
    /// <summary>The normalized request path must start with this.</summary>
    public string? PathPrefix { get; init; }

    /// <summary>The method must be one of these; any when empty.</summary>
    public IReadOnlyList<string> Methods { get; init; } = [];
}
