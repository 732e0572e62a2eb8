using Microsoft.AspNetCore.Http;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using Sluice.Filters.Jwt;
using Sluice.Filters.Rbac;

namespace Sluice.Filters.Tests.Security;

public sealed class RbacFilterTests
{
    private static readonly HttpFilter Filter = new RbacFilterDescriptor().Compile(new RbacOptions
    {
        Policies = new Dictionary<string, RbacPolicy>
        {
            ["admins-write"] = new()
            {
                Principals = [new RbacPrincipal { JwtPrincipal = new JwtPrincipal { Claims = new Dictionary<string, string> { ["groups"] = "admins" }, Matcher = ClaimMatcher.LIST_CONTAINS } }],
                Permissions = new RbacPermissions { PathPrefix = "/admin", Methods = ["POST", "GET"] },
            },
            ["verified-read"] = new()
            {
                Principals = [new RbacPrincipal { JwtPrincipal = new JwtPrincipal { Claims = new Dictionary<string, string> { ["email_verified"] = "true" }, Matcher = ClaimMatcher.BOOLEAN, Provider = "corp" } }],
                Permissions = new RbacPermissions { Methods = ["GET"] },
            },
            ["nested"] = new()
            {
                Principals = [new RbacPrincipal { JwtPrincipal = new JwtPrincipal { Claims = new Dictionary<string, string> { ["org.role"] = "owner" } } }],
                NestedClaimDelimiter = ".",
            },
        },
    });

    [Theory]
    [InlineData("""{"groups":["dev","admins"]}""", "corp", "POST", "/admin/users", true)]
    [InlineData("""{"groups":["dev"]}""", "corp", "POST", "/admin/users", false)]
    [InlineData("""{"groups":["admins"]}""", "corp", "DELETE", "/admin/users", false)]
    [InlineData("""{"groups":["admins"]}""", "corp", "POST", "/other", false)]
    [InlineData("""{"email_verified":true}""", "corp", "GET", "/anything", true)]
    [InlineData("""{"email_verified":"true"}""", "corp", "GET", "/anything", false)]
    [InlineData("""{"email_verified":true}""", "partner", "GET", "/anything", false)]
    [InlineData("""{"org":{"role":"owner"}}""", "corp", "DELETE", "/x", true)]
    [InlineData("""{"org.role":"owner"}""", "corp", "DELETE", "/x", false)]
    public async Task Policies_MatchPrincipalsAndPermissions(string payload, string provider, string method, string path, bool allowed)
    {
        var exchange = Exchange(method, path);
        exchange.Jwt = Jwt(payload, provider);

        var verdict = await Filter.OnRequestAsync(exchange);

        Assert.Equal(allowed ? FilterVerdict.Continue : FilterVerdict.Handled, verdict);
        if (!allowed)
        {
            Assert.Equal(403, exchange.HttpContext.Response.StatusCode);
        }
    }

    [Fact]
    public async Task NoJwt_IsDenied() => Assert.Equal(FilterVerdict.Handled, await Filter.OnRequestAsync(Exchange("GET", "/admin")));

    [Fact]
    public async Task NoPolicies_DeniesAll_DisableAllowsAll()
    {
        var descriptor = new RbacFilterDescriptor();
        Assert.Equal(FilterVerdict.Handled, await descriptor.Compile(new RbacOptions()).OnRequestAsync(Exchange("GET", "/")));
        Assert.Equal(FilterVerdict.Continue, await descriptor.Compile(new RbacOptions { Disable = true }).OnRequestAsync(Exchange("GET", "/")));
    }

    private static VerifiedJwt Jwt(string payload, string provider)
    {
        var header = Base64UrlEncoder.Encode("""{"alg":"RS256","typ":"JWT"}""");
        return new VerifiedJwt(provider, new JsonWebToken($"{header}.{Base64UrlEncoder.Encode(payload)}.c2ln"));
    }

    private static ProxyExchange Exchange(string method, string path)
    {
        var context = new DefaultHttpContext();
        context.Request.Method = method;
        context.Response.Body = new MemoryStream();
        return new ProxyExchange(context, path, "route");
    }
}
