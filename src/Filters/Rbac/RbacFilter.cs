using System.Text.Json;
using Microsoft.AspNetCore.Http;

namespace Sluice.Filters.Rbac;

/// <summary>
/// Envoy's RBAC with action ALLOW over JWT principals: the request passes when a policy's principal matches the
/// verified JWT and its permissions match the normalized path and method; otherwise 403. No policies deny everything.
/// </summary>
internal sealed class RbacFilter(KeyValuePair<string, RbacPolicy>[] policies) : HttpFilter
{
    private static readonly byte[] DeniedBody = "RBAC: access denied\n"u8.ToArray();

    public override FilterStage Stage => FilterStage.AuthZ;

    public override string Describe() => policies.Length == 0 ? "rbac deny all" : $"rbac policies {string.Join(", ", policies.Select(p => p.Key))}";

    public override ValueTask<FilterVerdict> OnRequestAsync(ProxyExchange exchange)
    {
        foreach (var (_, policy) in policies)
        {
            if (PermissionsMatch(policy.Permissions, exchange) && AnyPrincipalMatches(policy, exchange.Jwt))
            {
                return new(FilterVerdict.Continue);
            }
        }

        return LocalResponse.WriteAsync(exchange.HttpContext, StatusCodes.Status403Forbidden, DeniedBody);
    }

    private static bool PermissionsMatch(RbacPermissions? permissions, ProxyExchange exchange)
    {
        if (permissions is null)
        {
            return true;
        }

        if (permissions.PathPrefix is { Length: > 0 } prefix && !exchange.RoutePath.StartsWith(prefix, StringComparison.Ordinal))
        {
            return false;
        }

        if (permissions.Methods.Count == 0)
        {
            return true;
        }

        var method = exchange.HttpContext.Request.Method;
        foreach (var allowed in permissions.Methods)
        {
            if (string.Equals(allowed, method, StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }
        }

        return false;
    }

    private static bool AnyPrincipalMatches(RbacPolicy policy, Jwt.VerifiedJwt? jwt)
    {
        if (jwt is null)
        {
            return false;
        }

        foreach (var principal in policy.Principals)
        {
            var expected = principal.JwtPrincipal;
            if (!string.IsNullOrEmpty(expected.Provider) && expected.Provider != jwt.Provider)
            {
                continue;
            }

            if (ClaimsMatch(expected, jwt, policy.NestedClaimDelimiter))
            {
                return true;
            }
        }

        return false;
    }

    private static bool ClaimsMatch(JwtPrincipal principal, Jwt.VerifiedJwt jwt, string? delimiter)
    {
        foreach (var (claim, expected) in principal.Claims)
        {
            if (!jwt.TryGetClaim(claim, delimiter, out var value) || !Matches(principal.Matcher, value, expected))
            {
                return false;
            }
        }

        return true;
    }

    private static bool Matches(ClaimMatcher matcher, JsonElement value, string expected) => matcher switch
    {
        ClaimMatcher.BOOLEAN => value.ValueKind switch
        {
            JsonValueKind.True => expected == "true",
            JsonValueKind.False => expected == "false",
            _ => false,
        },
        ClaimMatcher.LIST_CONTAINS => value.ValueKind == JsonValueKind.Array && Contains(value, expected),
        _ => value.ValueKind == JsonValueKind.String && value.ValueEquals(expected),
    };

    private static bool Contains(JsonElement array, string expected)
    {
        foreach (var item in array.EnumerateArray())
        {
            if (item.ValueKind == JsonValueKind.String && item.ValueEquals(expected))
            {
                return true;
            }
        }

        return false;
    }
}
