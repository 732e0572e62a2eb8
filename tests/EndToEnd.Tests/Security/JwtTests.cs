using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using Microsoft.IdentityModel.Tokens;
using Sluice.EndToEnd.Tests.Harness;

namespace Sluice.EndToEnd.Tests.Security;

/// <summary>
/// <c>jwtStaged</c> and <c>rbac</c> through the real gateway against a local OpenID Connect issuer: discovery and JWKS
/// over HTTP, RSA and EC keys, rotation at the issuer. A refused request never reaches the backend.
/// </summary>
public sealed class JwtTests : IAsyncLifetime
{
    private TestIssuer _issuer = null!;
    private TestBackend _backend = null!;
    private GatewayFixture _gateway = null!;

    public async Task InitializeAsync()
    {
        _issuer = await TestIssuer.StartAsync();
        _backend = await TestBackend.StartAsync("api");
        _gateway = await GatewayFixture.StartAsync(g =>
        {
            g.WriteFile("upstream.yaml", Yaml.Upstream("api", _backend.Port) + "---\n" + Yaml.Upstream("idp", new Uri(_issuer.Issuer).Port));
            g.WriteFile("vs.yaml", Config(_issuer));
        });
    }

    public async Task DisposeAsync()
    {
        await _gateway.DisposeAsync();
        await _backend.DisposeAsync();
        await _issuer.DisposeAsync();
    }

    private static string Config(TestIssuer issuer) => $$$$"""
        apiVersion: gateway.sluice.dev/v1
        kind: VirtualService
        metadata: {name: orders, namespace: default}
        spec:
          virtualHost:
            domains: ['*']
            options:
              jwtStaged:
                beforeExtAuth:
                  providers:
                    local-oidc:
                      issuer: {{{{issuer.Issuer}}}}
                      audiences: [api://orders]
                      jwks:
                        remote:
                          url: {{{{issuer.DiscoveryUrl}}}}
                          cacheDuration: 2s
                      claimsToHeaders:
                        - {claim: sub, header: x-jwt-sub}
                        - {claim: groups, header: x-jwt-groups}
                      clockSkewSeconds: 5
            routes:
              - matchers: [{prefix: /public}]
                options:
                  jwtStaged: {beforeExtAuth: {disable: true}}
                routeAction: {single: {upstream: {name: api}}}
              - matchers: [{prefix: /admin}]
                options:
                  rbac:
                    policies:
                      admins:
                        principals:
                          - jwtPrincipal: {claims: {groups: admins}, matcher: LIST_CONTAINS}
                        permissions: {pathPrefix: /admin, methods: [GET]}
                routeAction: {single: {upstream: {name: api}}}
              - matchers: [{prefix: /query}]
                options:
                  jwtStaged:
                    beforeExtAuth:
                      providers:
                        by-query:
                          issuer: {{{{issuer.Issuer}}}}
                          audiences: [api://orders]
                          jwks: {remote: {url: {{{{issuer.JwksUrl}}}}}}
                          tokenSource: {queryParams: [token]}
                          keepToken: false
                routeAction: {single: {upstream: {name: api}}}
              - matchers: [{prefix: /via-upstream}]
                options:
                  jwtStaged:
                    beforeExtAuth:
                      providers:
                        through-upstream:
                          issuer: {{{{issuer.Issuer}}}}
                          audiences: [api://orders]
                          jwks: {remote: {url: "http://idp.internal/jwks", upstreamRef: {name: idp}}}
                routeAction: {single: {upstream: {name: api}}}
              - matchers: [{prefix: /keep}]
                options:
                  jwtStaged:
                    beforeExtAuth:
                      providers:
                        keep:
                          issuer: {{{{issuer.Issuer}}}}
                          audiences: [api://orders]
                          jwks: {remote: {url: {{{{issuer.JwksUrl}}}}}}
                          keepToken: true
                routeAction: {single: {upstream: {name: api}}}
              - matchers: [{prefix: /}]
                routeAction: {single: {upstream: {name: api}}}
        """;

    private async Task<HttpResponseMessage> GetAsync(string path, string? token = null, params (string Name, string Value)[] headers)
    {
        using var client = _gateway.CreateClient();
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        if (token is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }

        foreach (var (name, value) in headers)
        {
            request.Headers.TryAddWithoutValidation(name, value);
        }

        return await client.SendAsync(request);
    }

    [Fact]
    public async Task ValidRsaAndEcTokens_Pass_ClaimsReachTheBackend_TokenIsStripped()
    {
        foreach (var kid in new[] { "rsa-1", "ec-1" })
        {
            using var response = await GetAsync("/orders", _issuer.Token(kid), ("x-jwt-sub", "mallory"));
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            var echo = (await response.Content.ReadFromJsonAsync<EchoResponse>(EchoResponse.JsonOptions))!;
            Assert.Equal("alice", echo.Headers["x-jwt-sub"]);
            Assert.False(echo.Headers.ContainsKey("authorization"));
        }
    }

    [Fact]
    public async Task RemoteJwks_ThroughAnUpstreamRef_IsFetchedFromTheUpstream()
    {
        using var response = await GetAsync("/via-upstream/x", _issuer.Token("ec-1"));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);

        // No such host exists: only the Upstream's address could have served the keys.
        using var forged = await GetAsync("/via-upstream/x", TestIssuer.TokenWithUnpublishedKey(_issuer.Issuer, "ec-1"));
        Assert.Equal(HttpStatusCode.Unauthorized, forged.StatusCode);
    }

    [Fact]
    public async Task KeepToken_ForwardsIt()
    {
        using var response = await GetAsync("/keep", _issuer.Token());
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var echo = (await response.Content.ReadFromJsonAsync<EchoResponse>(EchoResponse.JsonOptions))!;
        Assert.StartsWith("Bearer ", echo.Headers["authorization"], StringComparison.Ordinal);
    }

    [Fact]
    public async Task QueryParamToken_IsAccepted_AndNotForwarded()
    {
        using var response = await GetAsync($"/query/items?x=1&token={_issuer.Token()}");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var echo = (await response.Content.ReadFromJsonAsync<EchoResponse>(EchoResponse.JsonOptions))!;
        Assert.Equal("?x=1", echo.Query);

        using var bearerOnly = await GetAsync("/query/items", _issuer.Token());
        Assert.Equal(HttpStatusCode.Unauthorized, bearerOnly.StatusCode);
    }

    [Fact]
    public async Task MissingToken_Is401_ButDisabledRoutePasses()
    {
        using var missing = await GetAsync("/orders", headers: ("x-jwt-sub", "admin"));
        Assert.Equal(HttpStatusCode.Unauthorized, missing.StatusCode);
        Assert.Equal("Bearer", missing.Headers.WwwAuthenticate.ToString());

        using var open = await GetAsync("/public/page");
        Assert.Equal(HttpStatusCode.OK, open.StatusCode);
    }

    public static TheoryData<string> InvalidKinds() =>
        ["expired", "wrong-issuer", "wrong-audience", "alg-none", "hs256-confusion", "jku", "embedded-jwk", "unknown-key", "oversized", "garbage"];

    [Theory]
    [MemberData(nameof(InvalidKinds))]
    public async Task InvalidTokens_Are401InvalidToken_AndNeverReachTheBackend(string kind)
    {
        var token = kind switch
        {
            "expired" => _issuer.Token(change: d => { d.NotBefore = DateTime.UtcNow.AddHours(-1); d.Expires = DateTime.UtcNow.AddMinutes(-1); }),
            "wrong-issuer" => _issuer.Token(change: d => d.Issuer = "http://127.0.0.1:1/evil"),
            "wrong-audience" => _issuer.Token(audience: "api://other"),
            "alg-none" => $"{Base64UrlEncoder.Encode("""{"alg":"none","kid":"rsa-1"}""")}.{Base64UrlEncoder.Encode($$"""{"iss":"{{_issuer.Issuer}}","aud":"api://orders","sub":"admin","exp":{{DateTimeOffset.UtcNow.AddMinutes(5).ToUnixTimeSeconds()}}}""")}.",
            "hs256-confusion" => await HmacWithPublicKeyAsync(),
            "jku" => _issuer.Token(change: d => d.AdditionalHeaderClaims = new Dictionary<string, object> { ["jku"] = $"{_issuer.Issuer}/jwks" }),
            "embedded-jwk" => _issuer.Token(change: d => d.AdditionalHeaderClaims = new Dictionary<string, object> { ["jwk"] = new Dictionary<string, object> { ["kty"] = "oct", ["k"] = "c2VjcmV0" } }),
            "unknown-key" => TestIssuer.TokenWithUnpublishedKey(_issuer.Issuer, "rsa-1"),
            "oversized" => _issuer.Token(claims: new Dictionary<string, object> { ["sub"] = "alice", ["pad"] = new string('x', 9000) }),
            _ => "a.b.c",
        };
        var before = _backend.RequestCount;

        using var response = await GetAsync("/orders", token);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("Bearer error=\"invalid_token\"", response.Headers.WwwAuthenticate.ToString());
        var body = await response.Content.ReadAsStringAsync();
        Assert.StartsWith("Jwt ", body, StringComparison.Ordinal);
        Assert.DoesNotContain("\"n\"", body, StringComparison.Ordinal);
        Assert.Equal(before, _backend.RequestCount);
    }

    [Fact]
    public async Task Rbac_AllowsTheGroup_Denies403Otherwise()
    {
        var admin = _issuer.Token(claims: new Dictionary<string, object> { ["sub"] = "root", ["groups"] = new[] { "dev", "admins" } });
        var developer = _issuer.Token(claims: new Dictionary<string, object> { ["sub"] = "dev", ["groups"] = new[] { "dev" } });

        using (var allowed = await GetAsync("/admin/users", admin))
        {
            Assert.Equal(HttpStatusCode.OK, allowed.StatusCode);
        }

        using (var denied = await GetAsync("/admin/users", developer))
        {
            Assert.Equal(HttpStatusCode.Forbidden, denied.StatusCode);
        }

        using (var anonymous = await GetAsync("/admin/users"))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
        }
    }

    [Fact]
    public async Task KeyRotation_NewKeyAcceptedAfterRefresh_UnknownKidsDoNotHammerTheIssuer()
    {
        using (var warm = await GetAsync("/orders", _issuer.Token()))
        {
            Assert.Equal(HttpStatusCode.OK, warm.StatusCode);
        }

        // A flood of tokens naming kids nobody published: at most one fetch per refresh interval (2 s here).
        var fetchesBefore = _issuer.JwksFetches;
        var started = DateTime.UtcNow;
        var flood = Enumerable.Range(0, 60).Select(async i =>
        {
            using var response = await GetAsync("/orders", TestIssuer.TokenWithUnpublishedKey(_issuer.Issuer, $"forged-{i}"));
            return response.StatusCode;
        });
        Assert.All(await Task.WhenAll(flood), status => Assert.Equal(HttpStatusCode.Unauthorized, status));
        var windows = (int)Math.Ceiling((DateTime.UtcNow - started).TotalSeconds / 2) + 1;
        Assert.InRange(_issuer.JwksFetches - fetchesBefore, 0, windows);

        // The issuer rotates in a new key: a token signed with it is accepted once the gateway has refreshed.
        _issuer.AddRsaKey("rsa-2");
        var rotated = _issuer.Token("rsa-2");
        var deadline = DateTime.UtcNow.AddSeconds(15);
        HttpStatusCode status;
        do
        {
            await Task.Delay(250);
            using var response = await GetAsync("/orders", rotated);
            status = response.StatusCode;
        }
        while (status != HttpStatusCode.OK && DateTime.UtcNow < deadline);

        Assert.Equal(HttpStatusCode.OK, status);
    }

    private async Task<string> HmacWithPublicKeyAsync()
    {
        // The classic confusion: HS256 keyed with the RSA public key as published in the JWKS.
        using var client = new HttpClient();
        var jwks = await client.GetStringAsync(_issuer.JwksUrl);
        var key = new SymmetricSecurityKey(System.Text.Encoding.UTF8.GetBytes(jwks)) { KeyId = "rsa-1" };
        return new Microsoft.IdentityModel.JsonWebTokens.JsonWebTokenHandler { SetDefaultTimesOnTokenCreation = false }.CreateToken(new SecurityTokenDescriptor
        {
            Issuer = _issuer.Issuer,
            Audience = "api://orders",
            NotBefore = DateTime.UtcNow.AddMinutes(-1),
            Expires = DateTime.UtcNow.AddMinutes(5),
            Claims = new Dictionary<string, object> { ["sub"] = "admin" },
            SigningCredentials = new SigningCredentials(key, SecurityAlgorithms.HmacSha256),
        });
    }
}
