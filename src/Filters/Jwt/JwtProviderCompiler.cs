using System.Globalization;
using Microsoft.IdentityModel.Tokens;
using Microsoft.IdentityModel.Validators;

namespace Sluice.Filters.Jwt;

/// <summary>Validation and compilation shared by <c>jwtStaged</c> and the older <c>jwt</c> option.</summary>
internal static class JwtProviderCompiler
{
    public const int BeforeExtAuthOrder = 0;
    public const int AfterExtAuthOrder = 2;

    private static readonly TimeSpan DefaultCacheDuration = TimeSpan.FromMinutes(5);

    public static void Validate(JwtExtension extension, string path, IOptionsDiagnostics diagnostics)
    {
        var prefix = path.Length == 0 ? string.Empty : path + ".";
        if (extension.Disable)
        {
            if (extension.Providers.Count > 0)
            {
                diagnostics.Warning($"{prefix}disable", "disable is true, so the providers listed here are not used");
            }

            return;
        }

        foreach (var (name, provider) in extension.Providers)
        {
            ValidateProvider(provider, $"{prefix}providers.{name}", diagnostics);
        }
    }

    private static void ValidateProvider(JwtProvider provider, string path, IOptionsDiagnostics diagnostics)
    {
        var sources = (provider.Jwks?.Remote is null ? 0 : 1) + (provider.Jwks?.Local is null ? 0 : 1) + (provider.Entra is null ? 0 : 1);
        if (sources != 1)
        {
            diagnostics.Error(path, "a provider needs exactly one key source: jwks.remote, jwks.local or entra");
        }

        if (provider.Jwks?.Remote is { } remote)
        {
            if (!Uri.TryCreate(remote.Url, UriKind.Absolute, out var url) || (url.Scheme != Uri.UriSchemeHttp && url.Scheme != Uri.UriSchemeHttps))
            {
                diagnostics.Error($"{path}.jwks.remote.url", $"'{remote.Url}' is not an absolute http or https URL");
            }
            else if (url.Scheme == Uri.UriSchemeHttp && remote.UpstreamRef is null && !url.IsLoopback)
            {
                diagnostics.Warning($"{path}.jwks.remote.url", "keys fetched over plain http can be replaced in transit; use https");
            }

            if (remote.CacheDuration is { } cache && cache <= TimeSpan.Zero)
            {
                diagnostics.Error($"{path}.jwks.remote.cacheDuration", "cacheDuration must be positive");
            }
        }

        if (provider.Jwks?.Local is { } local)
        {
            try
            {
                if (SigningKeySource.ParseLocalKey(local.Key).Count == 0)
                {
                    diagnostics.Error($"{path}.jwks.local.key", "the key set holds no keys");
                }
            }
            catch (Exception ex) when (ex is ArgumentException or FormatException or System.Security.Cryptography.CryptographicException or System.Text.Json.JsonException)
            {
                // Never echo the key: say what was expected.
                diagnostics.Error($"{path}.jwks.local.key", "key must be a JWK, a JWKS or a PEM public key (RSA or EC)");
            }
        }

        if (provider.Entra is { } entra)
        {
            if (entra.Tenant.Length == 0 || entra.Tenant.AsSpan().ContainsAny("/?#:@ "))
            {
                diagnostics.Error($"{path}.entra.tenant", "tenant must be a tenant id, a domain, 'common' or 'organizations'");
            }

            if (entra.Instance is { } instance && (!Uri.TryCreate(instance, UriKind.Absolute, out var uri) || uri.Scheme != Uri.UriSchemeHttps))
            {
                diagnostics.Error($"{path}.entra.instance", "instance must be an https URL such as https://login.microsoftonline.com");
            }
        }

        if (provider.MaxTokenBytes is 0 or > 1024 * 1024)
        {
            diagnostics.Error($"{path}.maxTokenBytes", "maxTokenBytes must be between 1 and 1048576");
        }

        var headers = provider.TokenSource?.Headers ?? [];
        for (var i = 0; i < headers.Count; i++)
        {
            if (!HeaderManipulation.HeaderNameRules.IsToken(headers[i].Header))
            {
                diagnostics.Error($"{path}.tokenSource.headers[{i}].header", $"'{headers[i].Header}' is not a valid header name");
            }
        }

        for (var i = 0; i < provider.ClaimsToHeaders.Count; i++)
        {
            if (HeaderManipulation.HeaderNameRules.Problem(provider.ClaimsToHeaders[i].Header) is { } problem)
            {
                diagnostics.Error($"{path}.claimsToHeaders[{i}].header", problem);
            }
        }

        if (string.IsNullOrEmpty(provider.Issuer) && provider.Entra is null)
        {
            diagnostics.Warning($"{path}.issuer", "no issuer: tokens from any issuer signed by these keys are accepted");
        }
    }

    public static IEnumerable<UpstreamReference> UpstreamReferences(JwtExtension? extension, string path)
    {
        if (extension is null)
        {
            yield break;
        }

        var prefix = path.Length == 0 ? string.Empty : path + ".";
        foreach (var (name, provider) in extension.Providers)
        {
            if (provider.Jwks?.Remote?.UpstreamRef is { } upstream)
            {
                yield return new UpstreamReference($"{prefix}providers.{name}.jwks.remote.upstreamRef", upstream.Name, upstream.Namespace);
            }
        }
    }

    /// <summary>Route-level settings adjust the virtual host's: new providers replace them; otherwise only <c>disable</c> applies.</summary>
    public static JwtExtension? Merge(JwtExtension? outer, JwtExtension? inner) =>
        inner is null ? outer
        : inner.Providers.Count > 0 || outer is null ? inner
        : outer with { Disable = inner.Disable };

    /// <summary>The runtime filter for one stage, or null when the stage is off.</summary>
    public static JwtFilter? Compile(JwtExtension? extension, string stageName, int order, FilterCompileContext context)
    {
        if (extension is null || extension.Disable || extension.Providers.Count == 0)
        {
            return null;
        }

        var providers = new List<CompiledJwtProvider>();
        foreach (var (name, provider) in extension.Providers)
        {
            providers.Add(new CompiledJwtProvider(name, provider, KeysFor(provider, context)));
        }

        var description = string.Create(CultureInfo.InvariantCulture,
            $"{stageName} {extension.EffectivePolicy} providers {string.Join(", ", extension.Providers.Keys)}");
        return new JwtFilter([.. providers], extension.EffectivePolicy, order, description);
    }

    private static SigningKeySource? KeysFor(JwtProvider provider, FilterCompileContext context)
    {
        if (provider.Jwks?.Local is { } local)
        {
            try
            {
                return new SigningKeySource(SigningKeySource.ParseLocalKey(local.Key), null);
            }
            catch (Exception ex) when (ex is ArgumentException or FormatException or System.Security.Cryptography.CryptographicException or System.Text.Json.JsonException)
            {
                return null;
            }
        }

        if (provider.Entra is { } entra)
        {
            var instance = (entra.Instance ?? "https://login.microsoftonline.com").TrimEnd('/');
            var authority = $"{instance}/{entra.Tenant}/v2.0";
            var address = $"{authority}/.well-known/openid-configuration";

            // Microsoft's own issuer rules (the ones Microsoft.Identity.Web applies): a multi-tenant authority accepts
            // each tenant's issuer when the token's tid matches it.
            IssuerValidator validator = AadIssuerValidator.GetAadIssuerValidator(authority).Validate;
            return context.State.GetOrAdd($"jwks|{address}", () => new SigningKeySource(address, null, DefaultCacheDuration, validator));
        }

        if (provider.Jwks?.Remote is not { } remote)
        {
            return null;
        }

        Uri? upstream = null;
        if (remote.UpstreamRef is { } reference)
        {
            upstream = context.UpstreamAddress(reference.Name, reference.Namespace);
            if (upstream is null)
            {
                // The Upstream has no address: no keys, so every token is refused (fail closed).
                return null;
            }
        }

        var cache = remote.CacheDuration ?? DefaultCacheDuration;
        return context.State.GetOrAdd(
            string.Create(CultureInfo.InvariantCulture, $"jwks|{remote.Url}|{upstream}|{cache.TotalMilliseconds}"),
            () => new SigningKeySource(remote.Url, upstream, cache, null));
    }
}
