using System.Globalization;

namespace Sluice.Filters.RateLimit;

/// <summary>
/// <c>options.httpLocalRatelimit</c> on a virtual host or route: Envoy's local rate limit, no external store.
/// The buckets belong to the scope the option is written in (a virtual-host limit is shared by its routes, as in
/// Envoy) and survive reloads while that scope's settings are unchanged.
/// </summary>
internal sealed class LocalRateLimitFilterDescriptor : FilterDescriptor<LocalRateLimitOptions>
{
    /// <summary>Envoy refuses fill intervals under 50 ms.</summary>
    private static readonly TimeSpan MinimumFillInterval = TimeSpan.FromMilliseconds(50);

    public const uint DefaultMaxKeys = 65_536;

    public override string OptionName => "httpLocalRatelimit";

    public override FilterStage Stage => FilterStage.RateLimit;

    protected override void Validate(LocalRateLimitOptions options, IOptionsDiagnostics diagnostics)
    {
        var limit = options.DefaultLimit;
        if (limit.MaxTokens == 0 || limit.MaxTokens > int.MaxValue)
        {
            diagnostics.Error("defaultLimit.maxTokens", "maxTokens must be at least 1");
        }

        if (limit.TokensPerFill is 0 or > int.MaxValue)
        {
            diagnostics.Error("defaultLimit.tokensPerFill", "tokensPerFill must be at least 1 (1 when omitted)");
        }

        if (limit.FillInterval < MinimumFillInterval)
        {
            diagnostics.Error("defaultLimit.fillInterval", "fillInterval must be at least 50ms, as in Envoy");
        }

        if (options.LocalRateLimitPerDownstreamConnection)
        {
            diagnostics.Error("localRateLimitPerDownstreamConnection", "per-connection buckets are not supported by Sluice; use keyBy: { clientAddress: true } for a bucket per client");
        }

        if (options.KeyBy is { } key)
        {
            var kinds = (key.ClientAddress ? 1 : 0) + (key.Header is null ? 0 : 1) + (key.JwtClaim is null ? 0 : 1);
            if (kinds != 1)
            {
                diagnostics.Error("keyBy", "keyBy sets exactly one of clientAddress: true, header or jwtClaim");
            }

            if (key.Header is { } header && !HeaderManipulation.HeaderNameRules.IsToken(header))
            {
                diagnostics.Error("keyBy.header", $"'{header}' is not a valid header name");
            }

            if (key.JwtClaim is { Length: 0 })
            {
                diagnostics.Error("keyBy.jwtClaim", "jwtClaim must name a claim");
            }
        }

        if (options.MaxKeys is 0 or > 10_000_000)
        {
            diagnostics.Error("maxKeys", "maxKeys must be between 1 and 10000000");
        }
        else if (options.MaxKeys is not null && options.KeyBy is null)
        {
            diagnostics.Warning("maxKeys", "maxKeys only applies with keyBy");
        }
    }

    protected override HttpFilter Compile(LocalRateLimitOptions options) => Compile(options, FilterCompileContext.Empty);

    protected override HttpFilter Compile(LocalRateLimitOptions options, FilterCompileContext context)
    {
        var limit = options.DefaultLimit;
        var tokensPerFill = limit.TokensPerFill ?? 1;
        uint? partitions = options.KeyBy is null ? null : options.MaxKeys ?? DefaultMaxKeys;
        var settings = string.Create(CultureInfo.InvariantCulture,
            $"{limit.MaxTokens} tokens, {tokensPerFill} per {limit.FillInterval.TotalMilliseconds}ms{KeyDescription(options.KeyBy, partitions)}");

        // Same scope and same settings: the same buckets, so a reload neither refills nor forgets them.
        var buckets = context.State.GetOrAdd($"httpLocalRatelimit|{context.Provenance}|{settings}",
            () => new TokenBuckets(limit.MaxTokens, tokensPerFill, limit.FillInterval, partitions));
        return new LocalRateLimitFilter(buckets, options.KeyBy, options.EnableXRatelimitHeaders, settings);
    }

    private static string KeyDescription(RateLimitKey? key, uint? partitions) => key switch
    {
        null => string.Empty,
        { ClientAddress: true } => $", per client address (max {partitions} buckets)",
        { Header: { } header } => $", per header {header} (max {partitions} buckets)",
        { JwtClaim: { } claim } => $", per JWT claim {claim} (max {partitions} buckets)",
        _ => string.Empty,
    };
}
