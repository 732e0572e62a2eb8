namespace Sluice.Filters.ExtAuth;

/// <summary>
/// The spec of an <c>AuthConfig</c> (Gloo's <c>enterprise.gloo.solo.io/v1</c> shape): authentication steps that all
/// must pass, in order. Sluice runs them in process (no external auth server); it implements API keys and basic auth.
/// It lives beside the filter that runs it because the Discovery model binds it and the filter compiles it.
/// </summary>
[GlooFieldsNotImplemented(true, "booleanExpr")]
[GlooFieldsNotImplemented(false, "failOnRedirect")]
public sealed record AuthConfigSpec
{
    [RequiredField]
    public IReadOnlyList<AuthConfigStep> Configs { get; init; } = [];
}

/// <summary>One step: exactly one of its kinds is set. Gloo's other kinds are reported by name: skipping one would let requests in.</summary>
[GlooFieldsNotImplemented(true, "oauth", "oauth2", "jwt", "ldap", "ldapInternal", "opaAuth", "opaServerAuth", "passThroughAuth", "pluginAuth", "hmacAuth", "apiKeyAuthInternal", "basicAuthInternal")]
public sealed record AuthConfigStep
{
    /// <summary>An optional name, shown in diagnostics.</summary>
    public string? Name { get; init; }

    public ApiKeyAuthConfig? ApiKeyAuth { get; init; }

    public BasicAuthConfig? BasicAuth { get; init; }
}

/// <summary>Gloo's <c>ApiKeyAuth</c>: a key in a request header, compared with keys held in Secrets.</summary>
public sealed record ApiKeyAuthConfig
{
    /// <summary>The request header carrying the key; Gloo's default is <c>api-key</c>.</summary>
    public string? HeaderName { get; init; }

    /// <summary>Secrets holding one key each (under <c>api-key</c>).</summary>
    public IReadOnlyList<SecretRef> ApiKeySecretRefs { get; init; } = [];

    /// <summary>Secrets in the AuthConfig's namespace whose labels include all of these also hold keys.</summary>
    public IReadOnlyDictionary<string, string> LabelSelector { get; init; } = new Dictionary<string, string>();

    /// <summary>Upstream request headers set from other keys of the matching key's Secret (header name to entry).</summary>
    public IReadOnlyDictionary<string, MetadataEntry> HeadersFromMetadataEntry { get; init; } = new Dictionary<string, MetadataEntry>();
}

public sealed record MetadataEntry
{
    /// <summary>The key in the API key's Secret.</summary>
    [RequiredField]
    public string Name { get; init; } = string.Empty;

    /// <summary>When true, a key whose Secret lacks this entry is refused.</summary>
    public bool Required { get; init; }
}

/// <summary>Gloo's <c>ResourceRef</c> to a Secret; the namespace defaults to the AuthConfig's.</summary>
public sealed record SecretRef
{
    [RequiredField]
    public string Name { get; init; } = string.Empty;

    public string? Namespace { get; init; }
}

/// <summary>Gloo's <c>BasicAuth</c>: users with APR1-MD5 hashes, plus Sluice's users from Secrets and htpasswd files.</summary>
public sealed record BasicAuthConfig
{
    /// <summary>The realm named in the <c>WWW-Authenticate</c> challenge.</summary>
    public string? Realm { get; init; }

    public AprConfig? Apr { get; init; }

    /// <summary>
    /// Sluice extension: users from <c>kubernetes.io/basic-auth</c> Secrets (<c>username</c> and <c>password</c>; the
    /// password may be plain or an htpasswd hash) or from Secrets holding an htpasswd file under <c>htpasswd</c>.
    /// </summary>
    public IReadOnlyList<SecretRef> UserSecretRefs { get; init; } = [];

    /// <summary>Sluice extension: an htpasswd file on disk (bcrypt, apr1 or SHA); re-read at each snapshot.</summary>
    public string? HtpasswdFile { get; init; }
}

public sealed record AprConfig
{
    public IReadOnlyDictionary<string, SaltedHashedPassword> Users { get; init; } = new Dictionary<string, SaltedHashedPassword>();
}

/// <summary>An APR1-MD5 hash split as Gloo writes it: <c>$apr1$SALT$HASH</c> becomes salt and hashedPassword.</summary>
public sealed record SaltedHashedPassword
{
    [RequiredField]
    public string Salt { get; init; } = string.Empty;

    [RequiredField]
    public string HashedPassword { get; init; } = string.Empty;

    // Hash material never goes into a log line through a record's generated ToString.
    public override string ToString() => "SaltedHashedPassword { (redacted) }";
}
