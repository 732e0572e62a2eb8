using Microsoft.AspNetCore.Http;

namespace Sluice.Filters.ExtAuth;

/// <summary>One compiled step of an AuthConfig. Immutable; shared by every request on the routes that attach it.</summary>
internal abstract class AuthStep
{
    /// <summary>Checks the request; on success may add headers for the upstream. False means refuse with <see cref="RefuseAsync"/>.</summary>
    public abstract bool Authenticate(HttpRequest request);

    public abstract ValueTask<FilterVerdict> RefuseAsync(HttpContext context);

    public abstract string Describe();
}
