using System.Buffers;
using System.Globalization;

namespace Sluice.Filters.Cors;

/// <summary>
/// <c>options.cors</c>: Gloo's CORS policy, on the virtual host (or a Gateway's <c>httpGateway.options</c>), a
/// route or a weighted destination. The most specific <c>cors</c> wins whole; a route turns its virtual host's
/// policy off with <c>disableForRoute: true</c>.
/// </summary>
internal sealed class CorsFilterDescriptor : FilterDescriptor<CorsPolicy>
{
    // RFC 9110 section 5.6.2: methods and header names are tokens.
    private static readonly SearchValues<char> TokenCharacters =
        SearchValues.Create("!#$%&'*+-.^_`|~0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ");

    public override string OptionName => "cors";

    public override FilterStage Stage => FilterStage.Cors;

    protected override void Validate(CorsPolicy options, IOptionsDiagnostics diagnostics)
    {
        if (options.DisableForRoute)
        {
            return;
        }

        if (options.AllowOrigin.Count == 0 && options.AllowOriginRegex.Count == 0)
        {
            diagnostics.Error(string.Empty, "must provide at least one of allowOrigin or allowOriginRegex (or disableForRoute: true to turn CORS off for a route)");
        }

        for (var i = 0; i < options.AllowOrigin.Count; i++)
        {
            var origin = options.AllowOrigin[i];
            if (origin.Length == 0 || HeaderValueRules.ContainsForbiddenCharacter(origin) || origin.AsSpan().ContainsAny(" ,\t"))
            {
                diagnostics.Error($"allowOrigin[{i}]", $"'{origin}' is not an origin; write it as the browser sends it, like 'https://app.example.com', or '*'");
            }
        }

        for (var i = 0; i < options.AllowOriginRegex.Count; i++)
        {
            if (!LinearRegex.TryCreate(options.AllowOriginRegex[i], caseSensitive: true, wholeString: true, out _, out var error))
            {
                diagnostics.Error($"allowOriginRegex[{i}]", error);
            }
        }

        ValidateTokens("allowMethods", "method", options.AllowMethods, diagnostics);
        ValidateTokens("allowHeaders", "header name", options.AllowHeaders, diagnostics);
        ValidateTokens("exposeHeaders", "header name", options.ExposeHeaders, diagnostics);
        if (options.MaxAge.Length > 0 && !TryParseMaxAge(options.MaxAge, out _))
        {
            diagnostics.Error("maxAge", $"maxAge '{options.MaxAge}' is not a number of seconds; write seconds as Gloo does, like '86400', or a duration like '24h' or '10m'");
        }
    }

    protected override HttpFilter Compile(CorsPolicy options)
    {
        if (options.DisableForRoute)
        {
            return new DisabledCorsFilter();
        }

        string? maxAge = null;
        if (options.MaxAge.Length > 0 && TryParseMaxAge(options.MaxAge, out var seconds))
        {
            maxAge = seconds.ToString(CultureInfo.InvariantCulture);
        }

        return new CorsFilter(options, maxAge);
    }

    /// <summary>Whole seconds, from Gloo's digits-only string or a duration in h, m and s (e.g. <c>1h30m</c>).</summary>
    internal static bool TryParseMaxAge(string text, out long seconds)
    {
        seconds = 0;
        var span = text.AsSpan().Trim();
        if (span.IsEmpty)
        {
            return false;
        }

        if (long.TryParse(span, NumberStyles.None, CultureInfo.InvariantCulture, out seconds))
        {
            return true;
        }

        while (!span.IsEmpty)
        {
            var digits = 0;
            while (digits < span.Length && char.IsAsciiDigit(span[digits]))
            {
                digits++;
            }

            if (digits == 0 || digits == span.Length || !long.TryParse(span[..digits], NumberStyles.None, CultureInfo.InvariantCulture, out var value))
            {
                return false;
            }

            long unit = span[digits] switch
            {
                'h' => 3600,
                'm' => 60,
                's' => 1,
                _ => 0,
            };
            if (unit == 0 || value > (long.MaxValue - seconds) / unit)
            {
                return false;
            }

            seconds += value * unit;
            span = span[(digits + 1)..];
        }

        return true;
    }

    private static void ValidateTokens(string path, string what, IReadOnlyList<string> values, IOptionsDiagnostics diagnostics)
    {
        for (var i = 0; i < values.Count; i++)
        {
            var value = values[i];
            if (value == "*")
            {
                if (values.Count > 1)
                {
                    diagnostics.Warning($"{path}[{i}]",
                        "'*' only echoes what the browser asked for when it is the only entry, as in Envoy; next to other entries it is sent literally");
                }

                continue;
            }

            if (HeaderValueRules.ContainsForbiddenCharacter(value) || !IsToken(value))
            {
                diagnostics.Error($"{path}[{i}]", $"'{value}' is not a valid {what}; write one {what} per list entry");
            }
        }
    }

    private static bool IsToken(string value) => value.Length > 0 && !value.AsSpan().ContainsAnyExcept(TokenCharacters);
}
