using Microsoft.AspNetCore.Http;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Sluice.Filters.Jwt;

/// <summary>Why a token was refused; the text is fixed (it never echoes the token or a key).</summary>
internal enum JwtFailure
{
    None,
    Malformed,
    TooLarge,
    ForbiddenHeader,
    KeysUnavailable,
    Expired,
    Invalid,
}

/// <summary>One provider, compiled: where its token is, how it is checked, and what is done with a valid one.</summary>
internal sealed class CompiledJwtProvider
{
    /// <summary>Header parameters that carry or point to a key. Keys come only from configuration, so a token carrying one is hostile.</summary>
    private static readonly string[] KeyCarryingHeaders = ["jku", "x5u", "jwk", "x5c"];

    private static readonly HeaderSource[] DefaultHeaders = [new HeaderSource { Header = "Authorization", Prefix = "Bearer " }];
    private static readonly string[] DefaultQueryParams = ["access_token"];
    private static readonly string[] NoAlgorithm = ["(no usable key)"];

    private readonly JsonWebTokenHandler _handler;
    private readonly SigningKeySource? _keys;
    private readonly TokenValidationParameters _template;
    private ParametersForKeys? _parameters;

    public CompiledJwtProvider(string name, JwtProvider options, SigningKeySource? keys)
    {
        Name = name;
        _keys = keys;
        KeepToken = options.KeepToken;
        ClaimsToHeaders = [.. options.ClaimsToHeaders];
        MaxTokenBytes = (int)(options.MaxTokenBytes ?? 8192);
        var source = options.TokenSource;
        Headers = source is null || (source.Headers.Count == 0 && source.QueryParams.Count == 0) ? DefaultHeaders : [.. source.Headers];
        QueryParams = source is null || (source.Headers.Count == 0 && source.QueryParams.Count == 0) ? DefaultQueryParams : [.. source.QueryParams];
        _handler = new JsonWebTokenHandler { MapInboundClaims = false, MaximumTokenSizeInBytes = MaxTokenBytes };
        _template = new TokenValidationParameters
        {
            ValidateIssuer = !string.IsNullOrEmpty(options.Issuer) || keys?.IssuerValidator is not null,
            ValidIssuer = string.IsNullOrEmpty(options.Issuer) ? null : options.Issuer,
            IssuerValidator = string.IsNullOrEmpty(options.Issuer) ? keys?.IssuerValidator : null,
            ValidateAudience = options.Audiences.Count > 0,
            ValidAudiences = options.Audiences,
            ValidateLifetime = true,
            RequireExpirationTime = true,
            RequireSignedTokens = true,
            ValidateIssuerSigningKey = true,
            ClockSkew = TimeSpan.FromSeconds(options.ClockSkewSeconds ?? 60),
            // A token without a matching kid is tried against the configured keys only; nothing is resolved from the token.
            TryAllIssuerSigningKeys = true,
        };
    }

    public string Name { get; }

    public bool KeepToken { get; }

    public ClaimToHeader[] ClaimsToHeaders { get; }

    public int MaxTokenBytes { get; }

    public HeaderSource[] Headers { get; }

    public string[] QueryParams { get; }

    /// <summary>The token this provider reads from the request, and where it was, or false when there is none.</summary>
    public bool TryExtract(HttpRequest request, out string token, out TokenLocation location)
    {
        foreach (var source in Headers)
        {
            var value = request.Headers[source.Header].ToString();
            if (value.Length == 0)
            {
                continue;
            }

            var prefix = source.Prefix ?? string.Empty;
            if (value.StartsWith(prefix, StringComparison.OrdinalIgnoreCase) && value.Length > prefix.Length)
            {
                token = value[prefix.Length..].Trim();
                location = new TokenLocation(source.Header, null);
                return token.Length > 0;
            }
        }

        if (QueryParams.Length > 0 && request.QueryString.HasValue)
        {
            foreach (var name in QueryParams)
            {
                var value = request.Query[name].ToString();
                if (value.Length > 0)
                {
                    token = value;
                    location = new TokenLocation(null, name);
                    return true;
                }
            }
        }

        token = string.Empty;
        location = default;
        return false;
    }

    public async ValueTask<(JwtFailure Failure, VerifiedJwt? Jwt)> ValidateAsync(string token, CancellationToken cancel)
    {
        if (token.Length > MaxTokenBytes)
        {
            return (JwtFailure.TooLarge, null);
        }

        if (_keys is null)
        {
            return (JwtFailure.KeysUnavailable, null);
        }

        JsonWebToken jwt;
        try
        {
            jwt = _handler.ReadJsonWebToken(token);
        }
        catch (Exception ex) when (ex is ArgumentException or SecurityTokenException)
        {
            return (JwtFailure.Malformed, null);
        }

        foreach (var header in KeyCarryingHeaders)
        {
            if (jwt.TryGetHeaderValue<object>(header, out _))
            {
                return (JwtFailure.ForbiddenHeader, null);
            }
        }

        ValidationSnapshot keys;
        try
        {
            keys = await _keys.GetAsync(cancel).ConfigureAwait(false);
            if (!string.IsNullOrEmpty(jwt.Kid) && !keys.KeyIds.Contains(jwt.Kid))
            {
                // The issuer may have rotated its keys. The manager grants this at most once per refresh interval and
                // fetches in the background; this request sees the keys as they are now.
                _keys.RequestRefresh();
                keys = await _keys.GetAsync(cancel).ConfigureAwait(false);
            }
        }
        catch (Exception ex) when (ex is InvalidOperationException or IOException)
        {
            return (JwtFailure.KeysUnavailable, null);
        }

        var result = await _handler.ValidateTokenAsync(jwt, ParametersFor(keys)).ConfigureAwait(false);
        if (result.IsValid)
        {
            return (JwtFailure.None, new VerifiedJwt(Name, jwt));
        }

        return (result.Exception is SecurityTokenExpiredException ? JwtFailure.Expired : JwtFailure.Invalid, null);
    }

    /// <summary>Validation parameters for one key set, built once per key set (the request path reuses them).</summary>
    private TokenValidationParameters ParametersFor(ValidationSnapshot keys)
    {
        var cached = Volatile.Read(ref _parameters);
        if (cached is not null && ReferenceEquals(cached.Keys, keys))
        {
            return cached.Parameters;
        }

        var parameters = _template.Clone();
        parameters.IssuerSigningKeys = keys.Keys;
        // IdentityModel reads an empty list as "any algorithm": with no usable key, allow none instead.
        parameters.ValidAlgorithms = keys.Algorithms.Count > 0 ? keys.Algorithms : NoAlgorithm;
        Volatile.Write(ref _parameters, new ParametersForKeys(keys, parameters));
        return parameters;
    }

    private sealed record ParametersForKeys(ValidationSnapshot Keys, TokenValidationParameters Parameters);
}

/// <summary>Where a token was found: a header, or a query parameter.</summary>
internal readonly record struct TokenLocation(string? Header, string? QueryParam);
