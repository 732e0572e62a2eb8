using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Http;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using Sluice.Filters.Jwt;

namespace Sluice.Filters.Tests.Security;

/// <summary>JWT validation with an inline (local) key; the remote JWKS paths are covered end to end.</summary>
public sealed class JwtFilterTests : IDisposable
{
    private const string Issuer = "https://issuer.test";
    private const string Audience = "api://orders";

    private readonly RSA _rsa = RSA.Create(2048);
    private readonly RsaSecurityKey _key;

    public JwtFilterTests()
    {
        _key = new RsaSecurityKey(_rsa) { KeyId = "k1" };
    }

    public void Dispose() => _rsa.Dispose();

    private string PublicJwk()
    {
        var jwk = JsonWebKeyConverter.ConvertFromRSASecurityKey(new RsaSecurityKey(_rsa.ExportParameters(false)) { KeyId = "k1" });
        return System.Text.Json.JsonSerializer.Serialize(new Dictionary<string, string> { ["kty"] = "RSA", ["kid"] = "k1", ["n"] = jwk.N, ["e"] = jwk.E });
    }

    private HttpFilter Filter(JwtValidationPolicy policy = JwtValidationPolicy.REQUIRE_VALID, bool keepToken = false, uint? maxBytes = null, TokenSource? source = null) =>
        new JwtStagedFilterDescriptor().Compile(new JwtStagedOptions
        {
            BeforeExtAuth = new JwtExtension
            {
                ValidationPolicy = policy,
                Providers = new Dictionary<string, JwtProvider>
                {
                    ["test"] = new()
                    {
                        Issuer = Issuer,
                        Audiences = [Audience],
                        Jwks = new JwksSource { Local = new LocalJwks { Key = PublicJwk() } },
                        KeepToken = keepToken,
                        MaxTokenBytes = maxBytes,
                        TokenSource = source,
                        ClockSkewSeconds = 30,
                        ClaimsToHeaders = [new ClaimToHeader { Claim = "sub", Header = "x-sub" }, new ClaimToHeader { Claim = "groups", Header = "x-groups" }],
                    },
                },
            },
        }, new TestCompileContext());

    private string Token(Action<SecurityTokenDescriptor>? change = null, SigningCredentials? credentials = null)
    {
        var descriptor = new SecurityTokenDescriptor
        {
            Issuer = Issuer,
            Audience = Audience,
            Expires = DateTime.UtcNow.AddMinutes(5),
            NotBefore = DateTime.UtcNow.AddMinutes(-1),
            Claims = new Dictionary<string, object> { ["sub"] = "alice", ["groups"] = new[] { "admins", "dev" } },
            SigningCredentials = credentials ?? new SigningCredentials(_key, SecurityAlgorithms.RsaSha256),
        };
        change?.Invoke(descriptor);
        return new JsonWebTokenHandler { SetDefaultTimesOnTokenCreation = false }.CreateToken(descriptor);
    }

    [Fact]
    public async Task ValidToken_PassesSetsClaimsAndStripsTheToken()
    {
        var exchange = Exchange(("Authorization", "Bearer " + Token()), ("x-sub", "mallory"));

        Assert.Equal(FilterVerdict.Continue, await Filter().OnRequestAsync(exchange));

        var headers = exchange.HttpContext.Request.Headers;
        Assert.Equal("alice", headers["x-sub"].ToString());
        Assert.Equal("admins,dev", headers["x-groups"].ToString());
        Assert.False(headers.ContainsKey("Authorization"));
        Assert.Equal("test", exchange.Jwt!.Provider);
    }

    [Fact]
    public async Task KeepToken_LeavesTheHeader()
    {
        var exchange = Exchange(("Authorization", "Bearer " + Token()));
        Assert.Equal(FilterVerdict.Continue, await Filter(keepToken: true).OnRequestAsync(exchange));
        Assert.True(exchange.HttpContext.Request.Headers.ContainsKey("Authorization"));
    }

    [Fact]
    public async Task QueryParamToken_IsReadAndRemovedFromTheForwardedQuery()
    {
        var exchange = Exchange();
        exchange.HttpContext.Request.QueryString = new QueryString($"?a=1&jwt={Token()}&b=2");

        Assert.Equal(FilterVerdict.Continue, await Filter(source: new TokenSource { QueryParams = ["jwt"] }).OnRequestAsync(exchange));
        Assert.Equal("?a=1&b=2", exchange.HttpContext.Request.QueryString.Value);
    }

    [Fact]
    public async Task MissingToken_Is401WithBearerChallenge_UnlessAllowed()
    {
        var exchange = Exchange(("x-sub", "admin"));
        Assert.Equal(FilterVerdict.Handled, await Filter().OnRequestAsync(exchange));
        Assert.Equal(401, exchange.HttpContext.Response.StatusCode);
        Assert.Equal("Bearer", exchange.HttpContext.Response.Headers.WWWAuthenticate.ToString());

        var allowed = Exchange(("x-sub", "admin"));
        Assert.Equal(FilterVerdict.Continue, await Filter(JwtValidationPolicy.ALLOW_MISSING).OnRequestAsync(allowed));
        Assert.False(allowed.HttpContext.Request.Headers.ContainsKey("x-sub"));
        Assert.Null(allowed.Jwt);
    }

    public static TheoryData<string> InvalidTokens() =>
    [
        "expired", "not-yet-valid", "wrong-issuer", "wrong-audience", "alg-none", "hs256-with-public-key", "other-key",
        "jku-header", "jwk-header", "x5u-header", "tampered", "garbage", "no-exp",
    ];

    [Theory]
    [MemberData(nameof(InvalidTokens))]
    public async Task InvalidToken_Is401InvalidToken_AndNothingLeaks(string kind)
    {
        var token = InvalidToken(kind);
        var exchange = Exchange(("Authorization", "Bearer " + token));

        Assert.Equal(FilterVerdict.Handled, await Filter().OnRequestAsync(exchange));

        var response = exchange.HttpContext.Response;
        Assert.Equal(401, response.StatusCode);
        Assert.Equal("Bearer error=\"invalid_token\"", response.Headers.WWWAuthenticate.ToString());
        var body = Encoding.UTF8.GetString(((MemoryStream)response.Body).ToArray());
        Assert.DoesNotContain(token.Split('.')[0], body, StringComparison.Ordinal);
        Assert.True(body.Length < 40, body);

        // ALLOW_MISSING still refuses a bad token; ALLOW_MISSING_OR_FAILED lets it through without claims.
        Assert.Equal(FilterVerdict.Handled, await Filter(JwtValidationPolicy.ALLOW_MISSING).OnRequestAsync(Exchange(("Authorization", "Bearer " + token))));
        var failedAllowed = Exchange(("Authorization", "Bearer " + token));
        Assert.Equal(FilterVerdict.Continue, await Filter(JwtValidationPolicy.ALLOW_MISSING_OR_FAILED).OnRequestAsync(failedAllowed));
        Assert.Null(failedAllowed.Jwt);
    }

    [Fact]
    public async Task OversizedToken_IsRefusedBeforeParsing()
    {
        var token = Token(d => d.Claims["pad"] = new string('a', 9000));
        var exchange = Exchange(("Authorization", "Bearer " + token));

        Assert.Equal(FilterVerdict.Handled, await Filter().OnRequestAsync(exchange));
        Assert.Equal("Jwt is too large\n", Encoding.UTF8.GetString(((MemoryStream)exchange.HttpContext.Response.Body).ToArray()));
        Assert.Equal(FilterVerdict.Continue, await Filter(maxBytes: 64 * 1024).OnRequestAsync(Exchange(("Authorization", "Bearer " + token))));
    }

    [Fact]
    public async Task ExpiredWithinClockSkew_IsAccepted()
    {
        var token = Token(d =>
        {
            d.NotBefore = DateTime.UtcNow.AddMinutes(-5);
            d.Expires = DateTime.UtcNow.AddSeconds(-2);
        });
        Assert.Equal(FilterVerdict.Continue, await Filter().OnRequestAsync(Exchange(("Authorization", "Bearer " + token))));
    }

    [Fact]
    public async Task EntraProvider_WhoseKeysCannotBeFetched_FailsClosed()
    {
        var filter = new JwtFilterDescriptor().Compile(new JwtExtension
        {
            Providers = new Dictionary<string, JwtProvider>
            {
                // A port nothing listens on: the discovery document never arrives.
                ["entra"] = new() { Entra = new EntraProvider { Tenant = "contoso.onmicrosoft.com", Instance = "https://127.0.0.1:1" }, Audiences = [Audience] },
            },
        }, new TestCompileContext());
        var exchange = Exchange(("Authorization", "Bearer " + Token()));

        Assert.Equal(FilterVerdict.Handled, await filter.OnRequestAsync(exchange));
        Assert.Equal(401, exchange.HttpContext.Response.StatusCode);
        Assert.Equal("Jwks remote fetch is failed\n", Encoding.UTF8.GetString(((MemoryStream)exchange.HttpContext.Response.Body).ToArray()));
    }

    [Fact]
    public void RemoteKeySets_ContributePublicKeysOnly()
    {
        SecurityKey[] keys =
        [
            new JsonWebKey("""{"kty":"oct","kid":"s","k":"c2VjcmV0c2VjcmV0c2VjcmV0c2VjcmV0"}"""),
            new SymmetricSecurityKey(Encoding.UTF8.GetBytes("secretsecretsecretsecret")) { KeyId = "t" },
            new JsonWebKey(PublicJwk()),
        ];

        var kept = SigningKeySource.PublicKeysOnly(keys);

        var key = Assert.Single(kept);
        Assert.Equal("k1", key.KeyId);
        Assert.DoesNotContain(SecurityAlgorithms.HmacSha256, new ValidationSnapshot(null, kept).Algorithms);
    }

    private string InvalidToken(string kind)
    {
        switch (kind)
        {
            case "expired":
                return Token(d => { d.NotBefore = DateTime.UtcNow.AddHours(-2); d.Expires = DateTime.UtcNow.AddMinutes(-1); });
            case "not-yet-valid":
                return Token(d => { d.NotBefore = DateTime.UtcNow.AddMinutes(1); d.Expires = DateTime.UtcNow.AddMinutes(10); });
            case "wrong-issuer":
                return Token(d => d.Issuer = "https://evil.test");
            case "wrong-audience":
                return Token(d => d.Audience = "api://other");
            case "no-exp":
                return Token(d => { d.Expires = null; d.NotBefore = null; d.IssuedAt = null; });
            case "alg-none":
                return Unsigned("""{"alg":"none","typ":"JWT"}""");
            case "hs256-with-public-key":
                // The classic confusion: sign with HMAC using the public key's bytes as the secret.
                var publicBytes = Encoding.UTF8.GetBytes(PublicJwk());
                return Token(credentials: new SigningCredentials(new SymmetricSecurityKey(publicBytes) { KeyId = "k1" }, SecurityAlgorithms.HmacSha256));
            case "other-key":
                using (var other = RSA.Create(2048))
                {
                    return Token(credentials: new SigningCredentials(new RsaSecurityKey(other.ExportParameters(true)) { KeyId = "k1" }, SecurityAlgorithms.RsaSha256));
                }

            case "jku-header":
                return Token(d => d.AdditionalHeaderClaims = new Dictionary<string, object> { ["jku"] = "https://evil.test/jwks" });
            case "x5u-header":
                return Token(d => d.AdditionalHeaderClaims = new Dictionary<string, object> { ["x5u"] = "https://evil.test/cert" });
            case "jwk-header":
                return Token(d => d.AdditionalHeaderClaims = new Dictionary<string, object> { ["jwk"] = new Dictionary<string, object> { ["kty"] = "oct", ["k"] = "AAAA" } });
            case "tampered":
                var parts = Token().Split('.');
                var payload = Base64UrlEncoder.Encode("""{"sub":"admin","iss":"https://issuer.test","aud":"api://orders","exp":9999999999}""");
                return $"{parts[0]}.{payload}.{parts[2]}";
            default:
                return "not.a.jwt";
        }
    }

    private static string Unsigned(string header)
    {
        var payload = $$"""{"iss":"{{Issuer}}","aud":"{{Audience}}","sub":"admin","exp":{{DateTimeOffset.UtcNow.AddMinutes(5).ToUnixTimeSeconds()}}}""";
        return $"{Base64UrlEncoder.Encode(header)}.{Base64UrlEncoder.Encode(payload)}.";
    }

    private static ProxyExchange Exchange(params (string Name, string Value)[] headers)
    {
        var context = new DefaultHttpContext();
        context.Request.Method = "GET";
        context.Response.Body = new MemoryStream();
        foreach (var (name, value) in headers)
        {
            context.Request.Headers[name] = value;
        }

        return new ProxyExchange(context, "/", "route");
    }
}
