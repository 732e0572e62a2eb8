using System.Security.Cryptography;
using Microsoft.IdentityModel.Protocols;
using Microsoft.IdentityModel.Protocols.OpenIdConnect;
using Microsoft.IdentityModel.Tokens;

namespace Sluice.Filters.Jwt;

/// <summary>
/// The signing keys of one provider and the validation parameters built from them. Remote keys come from
/// IdentityModel's <see cref="ConfigurationManager{T}"/>: fetched once, used for <c>cacheDuration</c>, then refreshed
/// in the background while the old keys keep serving; a token with an unknown <c>kid</c> asks for a refresh, which
/// the manager grants at most once per refresh interval, so a flood of forged kids cannot hammer the issuer.
/// Long-lived (kept in the filter state store): a reload with the same provider keeps the cached keys.
/// </summary>
internal sealed class SigningKeySource : IDisposable
{
    private readonly ConfigurationManager<OpenIdConnectConfiguration>? _manager;
    private readonly HttpClient? _client;
    private readonly IssuerValidator? _issuerValidator;
    private readonly ValidationSnapshot? _local;
    private ValidationSnapshot? _current;

    /// <summary>Keys fetched from <paramref name="address"/> (a JWKS or an OpenID Connect discovery document).</summary>
    public SigningKeySource(string address, Uri? upstream, TimeSpan cacheDuration, IssuerValidator? issuerValidator)
    {
        _issuerValidator = issuerValidator;
        _client = new HttpClient(new SocketsHttpHandler
        {
            UseProxy = false,
            AllowAutoRedirect = false,
            PooledConnectionLifetime = TimeSpan.FromMinutes(5),
            ConnectTimeout = TimeSpan.FromSeconds(5),
        });
        var retriever = new BoundedDocumentRetriever(_client, upstream);
        IConfigurationRetriever<OpenIdConnectConfiguration> reader = IsDiscoveryDocument(address)
            ? new OpenIdConnectConfigurationRetriever()
            : new JwksOnlyRetriever();
        _manager = new ConfigurationManager<OpenIdConnectConfiguration>(address, reader, retriever)
        {
            // IdentityModel's floors: automatic refresh at least every 5 minutes, requested refresh at most every second.
            AutomaticRefreshInterval = cacheDuration < BaseConfigurationManager.MinimumAutomaticRefreshInterval ? BaseConfigurationManager.MinimumAutomaticRefreshInterval : cacheDuration,
            RefreshInterval = RefreshIntervalFor(cacheDuration),
        };

        // Gloo's asyncFetch and a sensible default: fetch when the config applies, not on the first request.
        _ = PrefetchAsync();
    }

    /// <summary>Keys given inline (a JWK, a JWKS or a PEM public key).</summary>
    public SigningKeySource(IReadOnlyList<SecurityKey> keys, IssuerValidator? issuerValidator)
    {
        _issuerValidator = issuerValidator;
        _local = new ValidationSnapshot(null, keys);
    }

    /// <summary>How often an unknown kid may trigger a fetch: the cache duration, within 1 second and 1 minute.</summary>
    public static TimeSpan RefreshIntervalFor(TimeSpan cacheDuration) =>
        cacheDuration < TimeSpan.FromSeconds(1) ? TimeSpan.FromSeconds(1) : cacheDuration > TimeSpan.FromMinutes(1) ? TimeSpan.FromMinutes(1) : cacheDuration;

    public static bool IsDiscoveryDocument(string address) =>
        address.EndsWith("/.well-known/openid-configuration", StringComparison.Ordinal);

    /// <summary>The keys now in use; fetches only when none were ever fetched.</summary>
    public async ValueTask<ValidationSnapshot> GetAsync(CancellationToken cancel)
    {
        if (_local is not null)
        {
            return _local;
        }

        var configuration = await _manager!.GetConfigurationAsync(cancel).ConfigureAwait(false);
        var current = Volatile.Read(ref _current);
        if (current is null || !ReferenceEquals(current.Configuration, configuration))
        {
            current = new ValidationSnapshot(configuration, PublicKeysOnly(configuration.SigningKeys));
            Volatile.Write(ref _current, current);
        }

        return current;
    }

    /// <summary>A token named a kid we do not have: the issuer may have rotated. Rate-limited by the manager.</summary>
    public void RequestRefresh() => _manager?.RequestRefresh();

    public IssuerValidator? IssuerValidator => _issuerValidator;

    /// <summary>
    /// A symmetric key published in a fetched document is known to anyone who can fetch it, so it can never prove who
    /// signed a token: remote key sets contribute public keys only (a symmetric key can only come from <c>local</c>).
    /// </summary>
    public static List<SecurityKey> PublicKeysOnly(IEnumerable<SecurityKey> keys)
    {
        var result = new List<SecurityKey>();
        foreach (var key in keys)
        {
            if (key is not SymmetricSecurityKey && key is not JsonWebKey { Kty: JsonWebAlgorithmsKeyTypes.Octet })
            {
                result.Add(key);
            }
        }

        return result;
    }

    public void Dispose() => _client?.Dispose();

    private async Task PrefetchAsync()
    {
        try
        {
            await _manager!.GetConfigurationAsync(CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is InvalidOperationException or IOException)
        {
            // Reported per request (401) until a fetch succeeds; the manager retries on the next request.
        }
    }

    /// <summary>Parses an inline key: a JWKS, a single JWK, or a PEM public key (RSA or EC).</summary>
    public static IReadOnlyList<SecurityKey> ParseLocalKey(string text)
    {
        var trimmed = text.Trim();
        if (trimmed.StartsWith("-----BEGIN", StringComparison.Ordinal))
        {
            try
            {
                var rsa = RSA.Create();
                rsa.ImportFromPem(trimmed);
                return [new RsaSecurityKey(rsa)];
            }
            catch (ArgumentException)
            {
                var ec = ECDsa.Create();
                ec.ImportFromPem(trimmed);
                return [new ECDsaSecurityKey(ec)];
            }
        }

        IList<JsonWebKey> jwks = trimmed.Contains("\"keys\"", StringComparison.Ordinal) ? new JsonWebKeySet(trimmed).Keys : [new JsonWebKey(trimmed)];
        var keys = new List<SecurityKey>(jwks.Count);
        foreach (var jwk in jwks)
        {
            // Converted once here (RSA and EC become native keys), so validation never rebuilds a key from JSON.
            keys.Add(JsonWebKeyConverter.TryConvertToSecurityKey(jwk, out var converted) ? converted : jwk);
        }

        return keys;
    }
}

/// <summary>One set of keys and what they allow; rebuilt only when the keys change.</summary>
internal sealed class ValidationSnapshot
{
    public ValidationSnapshot(OpenIdConnectConfiguration? configuration, IReadOnlyList<SecurityKey> keys)
    {
        Configuration = configuration;
        Keys = keys;
        var kids = new HashSet<string>(StringComparer.Ordinal);
        var algorithms = new HashSet<string>(StringComparer.Ordinal);
        foreach (var key in keys)
        {
            if (!string.IsNullOrEmpty(key.KeyId))
            {
                kids.Add(key.KeyId);
            }

            foreach (var algorithm in AlgorithmsFor(key))
            {
                algorithms.Add(algorithm);
            }
        }

        KeyIds = kids;
        Algorithms = [.. algorithms];
    }

    public OpenIdConnectConfiguration? Configuration { get; }

    public IReadOnlyList<SecurityKey> Keys { get; }

    public IReadOnlySet<string> KeyIds { get; }

    /// <summary>
    /// Only the algorithms the key types can verify: an RSA or EC public key is never usable as an HMAC secret, which
    /// closes the HS256-with-a-public-key confusion, and <c>none</c> is never listed.
    /// </summary>
    public IReadOnlyList<string> Algorithms { get; }

    private static readonly string[] Rsa = [SecurityAlgorithms.RsaSha256, SecurityAlgorithms.RsaSha384, SecurityAlgorithms.RsaSha512,
        SecurityAlgorithms.RsaSsaPssSha256, SecurityAlgorithms.RsaSsaPssSha384, SecurityAlgorithms.RsaSsaPssSha512];

    private static readonly string[] Ec = [SecurityAlgorithms.EcdsaSha256, SecurityAlgorithms.EcdsaSha384, SecurityAlgorithms.EcdsaSha512];

    private static readonly string[] Hmac = [SecurityAlgorithms.HmacSha256, SecurityAlgorithms.HmacSha384, SecurityAlgorithms.HmacSha512];

    private static string[] AlgorithmsFor(SecurityKey key) => key switch
    {
        RsaSecurityKey or X509SecurityKey => Rsa,
        ECDsaSecurityKey => Ec,
        SymmetricSecurityKey => Hmac,
        JsonWebKey { Kty: JsonWebAlgorithmsKeyTypes.RSA } jwk => Restrict(Rsa, jwk.Alg),
        JsonWebKey { Kty: JsonWebAlgorithmsKeyTypes.EllipticCurve } jwk => Restrict(Ec, jwk.Alg),
        JsonWebKey { Kty: JsonWebAlgorithmsKeyTypes.Octet } jwk => Restrict(Hmac, jwk.Alg),
        _ => [],
    };

    // A key that names its algorithm allows only that one (when it fits the key type).
    private static string[] Restrict(string[] allowed, string? named) =>
        string.IsNullOrEmpty(named) ? allowed : Array.IndexOf(allowed, named) >= 0 ? [named] : [];
}
