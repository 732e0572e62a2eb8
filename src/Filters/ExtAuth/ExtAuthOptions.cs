namespace Sluice.Filters.ExtAuth;

/// <summary>
/// Gloo's <c>extauth</c> (<c>ExtAuthExtension</c>): attach an AuthConfig with <c>configRef</c>, or switch off the
/// virtual host's with <c>disable: true</c> on a route. Sluice runs the AuthConfig in process.
/// </summary>
public sealed record ExtAuthOptions
{
    public bool Disable { get; init; }

    public AuthConfigRef? ConfigRef { get; init; }
}

public sealed record AuthConfigRef
{
    [RequiredField]
    public string Name { get; init; } = string.Empty;

    public string? Namespace { get; init; }
}
