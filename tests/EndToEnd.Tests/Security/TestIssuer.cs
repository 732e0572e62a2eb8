using System.Net;
using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Sluice.EndToEnd.Tests.Security;

/// <summary>
/// A local OpenID Connect issuer on 127.0.0.1: a discovery document and a JWKS over real HTTP, with RSA and EC keys
/// generated here. Tests add keys (rotation) and count how often the JWKS is fetched.
/// </summary>
public sealed class TestIssuer : IAsyncDisposable
{
    private static readonly Lazy<RSA> Outsider = new(() => RSA.Create(2048));

    private readonly WebApplication _app;
    private readonly Lock _lock = new();
    private readonly Dictionary<string, (SecurityKey Private, JsonWebKey Public, string Algorithm)> _keys = [];
    private readonly List<IDisposable> _owned = [];
    private int _jwksFetches;

    private TestIssuer(WebApplication app)
    {
        _app = app;
    }

    public string Issuer { get; private set; } = string.Empty;

    public string DiscoveryUrl => $"{Issuer}/.well-known/openid-configuration";

    public string JwksUrl => $"{Issuer}/jwks";

    public int JwksFetches => Volatile.Read(ref _jwksFetches);

    public static async Task<TestIssuer> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, 0));
        var app = builder.Build();
        var issuer = new TestIssuer(app);
        app.Run(issuer.HandleAsync);
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        issuer.Issuer = $"http://127.0.0.1:{new Uri(address).Port}";
        issuer.AddRsaKey("rsa-1");
        issuer.AddEcKey("ec-1");
        return issuer;
    }

    public void AddRsaKey(string kid)
    {
        var rsa = RSA.Create(2048);
        _owned.Add(rsa);
        var publicJwk = JsonWebKeyConverter.ConvertFromRSASecurityKey(new RsaSecurityKey(rsa.ExportParameters(false)) { KeyId = kid });
        publicJwk.Use = "sig";
        lock (_lock)
        {
            _keys[kid] = (new RsaSecurityKey(rsa) { KeyId = kid }, publicJwk, SecurityAlgorithms.RsaSha256);
        }
    }

    public void AddEcKey(string kid)
    {
        var ec = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        _owned.Add(ec);
        var publicJwk = JsonWebKeyConverter.ConvertFromECDsaSecurityKey(new ECDsaSecurityKey(ECDsa.Create(ec.ExportParameters(false))) { KeyId = kid });
        publicJwk.Use = "sig";
        lock (_lock)
        {
            _keys[kid] = (new ECDsaSecurityKey(ec) { KeyId = kid }, publicJwk, SecurityAlgorithms.EcdsaSha256);
        }
    }

    /// <summary>A token signed by the issuer's key <paramref name="kid"/>, valid for five minutes unless changed.</summary>
    public string Token(string kid = "rsa-1", string audience = "api://orders", Action<SecurityTokenDescriptor>? change = null, IDictionary<string, object>? claims = null)
    {
        (SecurityKey Private, JsonWebKey Public, string Algorithm) key;
        lock (_lock)
        {
            key = _keys[kid];
        }

        var descriptor = new SecurityTokenDescriptor
        {
            Issuer = Issuer,
            Audience = audience,
            NotBefore = DateTime.UtcNow.AddMinutes(-1),
            Expires = DateTime.UtcNow.AddMinutes(5),
            Claims = claims ?? new Dictionary<string, object> { ["sub"] = "alice" },
            SigningCredentials = new SigningCredentials(key.Private, key.Algorithm),
        };
        change?.Invoke(descriptor);
        return new JsonWebTokenHandler { SetDefaultTimesOnTokenCreation = false }.CreateToken(descriptor);
    }

    /// <summary>A token for a key the issuer does not publish (yet), with the given kid.</summary>
    public static string TokenWithUnpublishedKey(string issuer, string kid)
    {
        // One outsider key for every such token: generating RSA keys is slow, and the kid is what varies.
        var rsa = Outsider.Value;
        return new JsonWebTokenHandler { SetDefaultTimesOnTokenCreation = false }.CreateToken(new SecurityTokenDescriptor
        {
            Issuer = issuer,
            Audience = "api://orders",
            NotBefore = DateTime.UtcNow.AddMinutes(-1),
            Expires = DateTime.UtcNow.AddMinutes(5),
            Claims = new Dictionary<string, object> { ["sub"] = "mallory" },
            SigningCredentials = new SigningCredentials(new RsaSecurityKey(rsa.ExportParameters(true)) { KeyId = kid }, SecurityAlgorithms.RsaSha256),
        });
    }

    private async Task HandleAsync(HttpContext context)
    {
        context.Response.ContentType = "application/json";
        switch (context.Request.Path.Value)
        {
            case "/.well-known/openid-configuration":
                await JsonSerializer.SerializeAsync(context.Response.Body, new Dictionary<string, object>
                {
                    ["issuer"] = Issuer,
                    ["jwks_uri"] = JwksUrl,
                    ["authorization_endpoint"] = $"{Issuer}/authorize",
                    ["token_endpoint"] = $"{Issuer}/token",
                    ["id_token_signing_alg_values_supported"] = new[] { "RS256", "ES256" },
                });
                break;
            case "/jwks":
                Interlocked.Increment(ref _jwksFetches);
                List<Dictionary<string, string>> keys;
                lock (_lock)
                {
                    keys = [.. _keys.Values.Select(k => Describe(k.Public))];
                }

                await JsonSerializer.SerializeAsync(context.Response.Body, new Dictionary<string, object> { ["keys"] = keys });
                break;
            default:
                context.Response.StatusCode = 404;
                break;
        }
    }

    private static Dictionary<string, string> Describe(JsonWebKey key)
    {
        var json = new Dictionary<string, string> { ["kty"] = key.Kty, ["kid"] = key.Kid, ["use"] = "sig" };
        if (key.Kty == "RSA")
        {
            json["n"] = key.N;
            json["e"] = key.E;
            json["alg"] = "RS256";
        }
        else
        {
            json["crv"] = key.Crv;
            json["x"] = key.X;
            json["y"] = key.Y;
            json["alg"] = "ES256";
        }

        return json;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
        foreach (var owned in _owned)
        {
            owned.Dispose();
        }
    }
}
