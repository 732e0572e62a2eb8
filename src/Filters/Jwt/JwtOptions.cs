namespace Sluice.Filters.Jwt;

/// <summary>
/// Gloo's <c>jwtStaged</c>: JWT validation before and/or after <c>extauth</c>. On a virtual host it names providers;
/// on a route it may name its own providers or only <c>disable</c> the virtual host's.
/// </summary>
public sealed record JwtStagedOptions
{
    public JwtExtension? BeforeExtAuth { get; init; }

    public JwtExtension? AfterExtAuth { get; init; }
}

/// <summary>Gloo's <c>VhostExtension</c> and <c>RouteExtension</c> in one shape (Sluice binds one type per option).</summary>
public sealed record JwtExtension
{
    /// <summary>Providers by name; a token valid for any of them is accepted (Envoy's <c>requires_any</c>).</summary>
    public IReadOnlyDictionary<string, JwtProvider> Providers { get; init; } = new Dictionary<string, JwtProvider>();

    /// <summary>Gloo's older switch; true means <see cref="JwtValidationPolicy.ALLOW_MISSING_OR_FAILED"/>.</summary>
    public bool AllowMissingOrFailedJwt { get; init; }

    public JwtValidationPolicy? ValidationPolicy { get; init; }

    /// <summary>On a route: skip JWT validation here.</summary>
    public bool Disable { get; init; }

    public JwtValidationPolicy EffectivePolicy =>
        ValidationPolicy ?? (AllowMissingOrFailedJwt ? JwtValidationPolicy.ALLOW_MISSING_OR_FAILED : JwtValidationPolicy.REQUIRE_VALID);
}

/// <summary>Gloo's names, as users write them.</summary>
public enum JwtValidationPolicy
{
    REQUIRE_VALID = 0,
    ALLOW_MISSING = 1,
    ALLOW_MISSING_OR_FAILED = 2,
}

/// <summary>Gloo's <c>Provider</c>, plus Sluice's <see cref="Entra"/> and <see cref="MaxTokenBytes"/>.</summary>
public sealed record JwtProvider
{
    public JwksSource? Jwks { get; init; }

    /// <summary>The token's <c>aud</c> must be one of these; any audience when empty.</summary>
    public IReadOnlyList<string> Audiences { get; init; } = [];

    /// <summary>The token's <c>iss</c> must equal this; any issuer when empty (not recommended).</summary>
    public string? Issuer { get; init; }

    public TokenSource? TokenSource { get; init; }

    /// <summary>Forward the token upstream; when false the header (or query parameter) carrying it is removed.</summary>
    public bool KeepToken { get; init; }

    public IReadOnlyList<ClaimToHeader> ClaimsToHeaders { get; init; } = [];

    /// <summary>Tolerance for <c>exp</c> and <c>nbf</c>; 60 seconds when omitted, as in Gloo.</summary>
    public uint? ClockSkewSeconds { get; init; }

    /// <summary>Sluice extension: tokens longer than this are refused before parsing; 8192 when omitted.</summary>
    public uint? MaxTokenBytes { get; init; }

    /// <summary>Sluice extension: a Microsoft Entra ID tenant; sets the discovery document, keys and issuer rules.</summary>
    public EntraProvider? Entra { get; init; }
}

public sealed record JwksSource
{
    public RemoteJwks? Remote { get; init; }

    public LocalJwks? Local { get; init; }
}

/// <summary>
/// Keys fetched over HTTP(S): <see cref="Url"/> is a JWKS document or an OpenID Connect discovery document
/// (<c>.../.well-known/openid-configuration</c>), fetched directly or through <see cref="UpstreamRef"/>.
/// </summary>
public sealed record RemoteJwks
{
    [RequiredField]
    public string Url { get; init; } = string.Empty;

    public JwksUpstreamRef? UpstreamRef { get; init; }

    /// <summary>How long fetched keys are used before a refresh; 5 minutes when omitted, as in Gloo.</summary>
    public TimeSpan? CacheDuration { get; init; }

    /// <summary>Envoy's <c>JwksAsyncFetch</c>: fetch when the config applies rather than on the first request.</summary>
    public JwksAsyncFetch? AsyncFetch { get; init; }
}

public sealed record JwksAsyncFetch
{
    public bool FastListener { get; init; }
}

public sealed record JwksUpstreamRef
{
    [RequiredField]
    public string Name { get; init; } = string.Empty;

    public string? Namespace { get; init; }
}

public sealed record LocalJwks
{
    /// <summary>A JWK, a JWKS or a PEM public key.</summary>
    [RequiredField]
    public string Key { get; init; } = string.Empty;
}

public sealed record TokenSource
{
    public IReadOnlyList<HeaderSource> Headers { get; init; } = [];

    public IReadOnlyList<string> QueryParams { get; init; } = [];
}

public sealed record HeaderSource
{
    [RequiredField]
    public string Header { get; init; } = string.Empty;

    public string? Prefix { get; init; }
}

public sealed record ClaimToHeader
{
    [RequiredField]
    public string Claim { get; init; } = string.Empty;

    [RequiredField]
    public string Header { get; init; } = string.Empty;

    public bool Append { get; init; }
}

/// <summary>
/// A Microsoft Entra ID (Azure AD) issuer: keys from the tenant's discovery document, issuers checked with Microsoft's
/// own rules (multi-tenant <c>common</c>/<c>organizations</c> accept any tenant's issuer whose <c>tid</c> matches).
/// </summary>
public sealed record EntraProvider
{
    /// <summary>A tenant id (GUID), a domain (contoso.onmicrosoft.com), or <c>common</c>/<c>organizations</c>.</summary>
    [RequiredField]
    public string Tenant { get; init; } = string.Empty;

    /// <summary>The cloud's login endpoint; <c>https://login.microsoftonline.com</c> when omitted.</summary>
    public string? Instance { get; init; }
}
