using System.Diagnostics.CodeAnalysis;
using System.Security.Cryptography;
using System.Text;
using BenchmarkDotNet.Attributes;
using Microsoft.AspNetCore.Http;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using Sluice.Filters;
using Sluice.Filters.ExtAuth;
using Sluice.Filters.Jwt;
using Sluice.Filters.RateLimit;

namespace Sluice.Benchmarks;

/// <summary>
/// What the security filters cost per request, in process: a valid RS256 JWT (keys cached), an API key lookup and a
/// token-bucket acquire (unkeyed and keyed). Run with <c>dotnet run -c Release -- --filter '*Security*'</c>.
/// </summary>
[MemoryDiagnoser]
public class SecurityFilterBenchmarks
{
    private HttpFilter _jwt = null!;
    private HttpFilter _apiKey = null!;
    private HttpFilter _bucket = null!;
    private HttpFilter _keyedBucket = null!;
    private DefaultHttpContext _jwtRequest = null!;
    private DefaultHttpContext _apiKeyRequest = null!;
    private DefaultHttpContext _plainRequest = null!;

    [GlobalSetup]
    public void Setup()
    {
        using var rsa = RSA.Create(2048);
        var key = new RsaSecurityKey(rsa.ExportParameters(true)) { KeyId = "k1" };
        var jwk = JsonWebKeyConverter.ConvertFromRSASecurityKey(new RsaSecurityKey(rsa.ExportParameters(false)) { KeyId = "k1" });
        var token = new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Issuer = "https://issuer.test",
            Audience = "api://bench",
            Expires = DateTime.UtcNow.AddHours(1),
            Claims = new Dictionary<string, object> { ["sub"] = "alice" },
            SigningCredentials = new SigningCredentials(key, SecurityAlgorithms.RsaSha256),
        });

        var context = new BenchContext();
        _jwt = Compile("jwtStaged", new JwtStagedOptions
        {
            BeforeExtAuth = new JwtExtension
            {
                Providers = new Dictionary<string, JwtProvider>
                {
                    ["bench"] = new()
                    {
                        Issuer = "https://issuer.test",
                        Audiences = ["api://bench"],
                        KeepToken = true,
                        Jwks = new JwksSource { Local = new LocalJwks { Key = $$"""{"kty":"RSA","kid":"k1","n":"{{jwk.N}}","e":"{{jwk.E}}"}""" } },
                    },
                },
            },
        }, context);
        _apiKey = Compile("extauth", new ExtAuthOptions { ConfigRef = new AuthConfigRef { Name = "keys" } }, context);
        _bucket = Compile("httpLocalRatelimit", new LocalRateLimitOptions
        {
            DefaultLimit = new TokenBucketOptions { MaxTokens = int.MaxValue, TokensPerFill = int.MaxValue, FillInterval = TimeSpan.FromSeconds(1) },
        }, context);
        _keyedBucket = Compile("httpLocalRatelimit", new LocalRateLimitOptions
        {
            DefaultLimit = new TokenBucketOptions { MaxTokens = int.MaxValue, TokensPerFill = int.MaxValue, FillInterval = TimeSpan.FromSeconds(1) },
            KeyBy = new RateLimitKey { Header = "x-tenant" },
        }, context);

        _jwtRequest = Request("Authorization", "Bearer " + token);
        _apiKeyRequest = Request("api-key", "key-0042");
        _plainRequest = Request("x-tenant", "tenant-7");
    }

    [Benchmark]
    public ValueTask<FilterVerdict> ValidJwt() => _jwt.OnRequestAsync(new ProxyExchange(_jwtRequest, "/", "r"));

    [Benchmark]
    public ValueTask<FilterVerdict> ApiKeyOf100() => _apiKey.OnRequestAsync(new ProxyExchange(_apiKeyRequest, "/", "r"));

    [Benchmark(Baseline = true)]
    public ValueTask<FilterVerdict> TokenBucket() => _bucket.OnRequestAsync(new ProxyExchange(_plainRequest, "/", "r"));

    [Benchmark]
    public ValueTask<FilterVerdict> KeyedTokenBucket() => _keyedBucket.OnRequestAsync(new ProxyExchange(_plainRequest, "/", "r"));

    private static HttpFilter Compile(string option, object options, FilterCompileContext context) =>
        FilterRegistry.Default.TryGet(option, out var descriptor) ? descriptor.Compile(options, context) : throw new InvalidOperationException(option);

    private static DefaultHttpContext Request(string header, string value)
    {
        var context = new DefaultHttpContext();
        context.Request.Method = "GET";
        context.Request.Headers[header] = value;
        return context;
    }

    /// <summary>One AuthConfig with 100 API keys in 100 Secrets.</summary>
    private sealed class BenchContext : FilterCompileContext
    {
        private readonly Dictionary<string, SecretData> _secrets = Enumerable.Range(0, 100).ToDictionary(
            i => $"key-{i}",
            i => new SecretData("default", $"key-{i}", null, new Dictionary<string, byte[]> { ["api-key"] = Encoding.UTF8.GetBytes($"key-{i:D4}") }, new Dictionary<string, string>()));

        public override string OwnerNamespace => "default";

        public override string Provenance => "bench";

        public override FilterStateStore State { get; } = new();

        public override bool TryGetAuthConfig(string name, string? ns, [NotNullWhen(true)] out AuthConfigSpec? spec)
        {
            spec = new AuthConfigSpec
            {
                Configs = [new AuthConfigStep { ApiKeyAuth = new ApiKeyAuthConfig { ApiKeySecretRefs = [.. _secrets.Keys.Select(k => new SecretRef { Name = k })] } }],
            };
            return true;
        }

        public override bool TryGetSecret(string name, string? ns, [NotNullWhen(true)] out SecretData? secret) => _secrets.TryGetValue(name, out secret);

        public override IReadOnlyList<SecretData> SecretsMatching(IReadOnlyDictionary<string, string> labels, string ns) => [];

        public override Uri? UpstreamAddress(string name, string? ns) => null;
    }
}
