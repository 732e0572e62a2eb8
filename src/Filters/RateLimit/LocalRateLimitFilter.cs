using System.Globalization;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.Http;

namespace Sluice.Filters.RateLimit;

/// <summary>
/// Takes a token per request; without one the request ends with 429, <c>Retry-After</c> and Envoy's
/// <c>x-envoy-ratelimited</c>, and is never forwarded.
/// </summary>
internal sealed class LocalRateLimitFilter(TokenBuckets buckets, RateLimitKey? key, bool rateLimitHeaders, string settings) : HttpFilter
{
    private static readonly byte[] LimitedBody = "local_rate_limited\n"u8.ToArray();

    private readonly string _limit = buckets.MaxTokens.ToString(CultureInfo.InvariantCulture);
    private readonly string _reset = ((long)Math.Ceiling(buckets.FillInterval.TotalSeconds)).ToString(CultureInfo.InvariantCulture);

    public override FilterStage Stage => FilterStage.RateLimit;

    public override string Describe() => $"httpLocalRatelimit {settings}" + (rateLimitHeaders ? " with x-ratelimit headers" : string.Empty);

    public override ValueTask<FilterVerdict> OnRequestAsync(ProxyExchange exchange)
    {
        RateLimitLease lease;
        long remaining;
        try
        {
            lease = Acquire(exchange, out remaining);
        }
        catch (ObjectDisposedException)
        {
            // A request still running on a replaced config whose buckets were just retired: the new config limits.
            return new(FilterVerdict.Continue);
        }

        using (lease)
        {
            if (lease.IsAcquired)
            {
                if (rateLimitHeaders)
                {
                    exchange.SetState(this, new Remaining(remaining));
                }

                return new(FilterVerdict.Continue);
            }

            var response = exchange.HttpContext.Response;
            var retryAfter = lease.TryGetMetadata(MetadataName.RetryAfter, out var wait) ? wait : buckets.FillInterval;
            response.Headers.RetryAfter = Math.Max(1, (long)Math.Ceiling(retryAfter.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
            response.Headers["x-envoy-ratelimited"] = "true";
            if (rateLimitHeaders)
            {
                SetHeaders(response, 0);
            }

            exchange.ResponseFlags |= ResponseFlags.RateLimited;
            return LocalResponse.WriteAsync(exchange.HttpContext, StatusCodes.Status429TooManyRequests, LimitedBody);
        }
    }

    public override void OnResponseHeaders(ProxyExchange exchange)
    {
        if (rateLimitHeaders && exchange.GetState<Remaining>(this) is { } remaining)
        {
            SetHeaders(exchange.HttpContext.Response, remaining.Value);
        }
    }

    private RateLimitLease Acquire(ProxyExchange exchange, out long remaining)
    {
        if (key is null)
        {
            return buckets.Acquire(ReadOnlySpan<byte>.Empty, out remaining);
        }

        if (key.ClientAddress)
        {
            Span<byte> address = stackalloc byte[16];
            var peer = exchange.ClientAddress ?? exchange.HttpContext.Connection.RemoteIpAddress;
            var written = 0;
            if (peer is not null && (peer.IsIPv4MappedToIPv6 ? peer.MapToIPv4() : peer).TryWriteBytes(address, out written))
            {
                return buckets.Acquire(address[..written], out remaining);
            }

            return buckets.Acquire(ReadOnlySpan<byte>.Empty, out remaining);
        }

        // Requests without the header or claim share one bucket (the empty key), so leaving it out is no way around the limit.
        var value = key.Header is { } header
            ? exchange.HttpContext.Request.Headers[header].ToString()
            : exchange.Jwt?.ClaimAsString(key.JwtClaim!) ?? string.Empty;
        return buckets.Acquire(value, out remaining);
    }

    private void SetHeaders(HttpResponse response, long remaining)
    {
        response.Headers["x-ratelimit-limit"] = _limit;
        response.Headers["x-ratelimit-remaining"] = remaining.ToString(CultureInfo.InvariantCulture);
        response.Headers["x-ratelimit-reset"] = _reset;
    }

    private sealed record Remaining(long Value);
}
