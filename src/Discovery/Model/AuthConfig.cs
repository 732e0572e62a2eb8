using Sluice.Filters.ExtAuth;

namespace Sluice.Discovery.Model;

/// <summary>
/// Gloo's <c>AuthConfig</c>: API-key and basic-auth steps that virtual hosts and routes attach with
/// <c>extauth.configRef</c>. Served from <c>gateway.sluice.dev/v1</c> and Gloo's <c>enterprise.gloo.solo.io/v1</c>.
/// Key and hash material lives in Secrets (or, for Gloo's <c>apr</c> users, salted hashes); neither reaches diagnostics.
/// </summary>
public sealed record AuthConfig : Resource
{
    public required AuthConfigSpec Spec { get; init; }
}
