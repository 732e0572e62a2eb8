using System.Text;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Primitives;

namespace Sluice.Filters.Jwt;

/// <summary>
/// Validates the request's JWT against the stage's providers (any one may accept it). A valid token's claims become
/// available to rbac and rate limits through <see cref="ProxyExchange.Jwt"/> and are copied to headers as configured.
/// Refusals are 401 with <c>WWW-Authenticate: Bearer</c> (and <c>error="invalid_token"</c> for a bad token) and a fixed
/// body that never echoes the token or a key.
/// </summary>
internal sealed class JwtFilter(CompiledJwtProvider[] providers, JwtValidationPolicy policy, int orderInStage, string description) : HttpFilter
{
    private static readonly byte[] MissingBody = "Jwt is missing\n"u8.ToArray();
    private static readonly byte[] ExpiredBody = "Jwt is expired\n"u8.ToArray();
    private static readonly byte[] InvalidBody = "Jwt verification fails\n"u8.ToArray();
    private static readonly byte[] TooLargeBody = "Jwt is too large\n"u8.ToArray();
    private static readonly byte[] KeysUnavailableBody = "Jwks remote fetch is failed\n"u8.ToArray();

    public override FilterStage Stage => FilterStage.AuthN;

    public override int OrderInStage => orderInStage;

    public override string Describe() => description;

    public override async ValueTask<FilterVerdict> OnRequestAsync(ProxyExchange exchange)
    {
        var request = exchange.HttpContext.Request;

        // Headers the gateway fills from claims are never taken from the client, or a request without a token (under an
        // ALLOW_MISSING policy) could claim any identity.
        foreach (var provider in providers)
        {
            foreach (var mapping in provider.ClaimsToHeaders)
            {
                request.Headers.Remove(mapping.Header);
            }
        }

        var found = false;
        var failure = JwtFailure.None;
        foreach (var provider in providers)
        {
            if (!provider.TryExtract(request, out var token, out var location))
            {
                continue;
            }

            found = true;
            var (result, jwt) = await provider.ValidateAsync(token, exchange.HttpContext.RequestAborted).ConfigureAwait(false);
            if (jwt is null)
            {
                failure = result;
                continue;
            }

            exchange.Jwt = jwt;
            CopyClaims(provider, jwt, request);
            if (!provider.KeepToken)
            {
                RemoveToken(request, location);
            }

            return FilterVerdict.Continue;
        }

        if (!found)
        {
            return policy == JwtValidationPolicy.REQUIRE_VALID
                ? await RefuseAsync(exchange.HttpContext, "Bearer", MissingBody).ConfigureAwait(false)
                : FilterVerdict.Continue;
        }

        if (policy == JwtValidationPolicy.ALLOW_MISSING_OR_FAILED)
        {
            return FilterVerdict.Continue;
        }

        var body = failure switch
        {
            JwtFailure.Expired => ExpiredBody,
            JwtFailure.TooLarge => TooLargeBody,
            JwtFailure.KeysUnavailable => KeysUnavailableBody,
            _ => InvalidBody,
        };
        return await RefuseAsync(exchange.HttpContext, "Bearer error=\"invalid_token\"", body).ConfigureAwait(false);
    }

    private static ValueTask<FilterVerdict> RefuseAsync(HttpContext context, string challenge, byte[] body)
    {
        context.Response.Headers.WWWAuthenticate = challenge;
        return LocalResponse.WriteAsync(context, StatusCodes.Status401Unauthorized, body);
    }

    private static void CopyClaims(CompiledJwtProvider provider, VerifiedJwt jwt, HttpRequest request)
    {
        foreach (var mapping in provider.ClaimsToHeaders)
        {
            var value = jwt.ClaimAsString(mapping.Claim);
            if (value is null || HeaderValueRules.ContainsForbiddenCharacter(value))
            {
                continue;
            }

            if (mapping.Append)
            {
                request.Headers.Append(mapping.Header, value);
            }
            else
            {
                request.Headers[mapping.Header] = value;
            }
        }
    }

    /// <summary><c>keepToken: false</c>: the credential does not travel upstream.</summary>
    private static void RemoveToken(HttpRequest request, TokenLocation location)
    {
        if (location.Header is { } header)
        {
            request.Headers.Remove(header);
            return;
        }

        var query = new StringBuilder();
        foreach (var (name, values) in request.Query)
        {
            if (string.Equals(name, location.QueryParam, StringComparison.Ordinal))
            {
                continue;
            }

            foreach (var value in values.Count == 0 ? new StringValues(string.Empty) : values)
            {
                query.Append(query.Length == 0 ? '?' : '&').Append(Uri.EscapeDataString(name)).Append('=').Append(Uri.EscapeDataString(value ?? string.Empty));
            }
        }

        request.QueryString = new QueryString(query.Length == 0 ? null : query.ToString());
    }
}
