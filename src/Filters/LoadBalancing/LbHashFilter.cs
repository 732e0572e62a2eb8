using System.Globalization;
using System.IO.Hashing;
using System.Runtime.InteropServices;
using System.Text;
using Microsoft.AspNetCore.Http;

namespace Sluice.Filters.LoadBalancing;

/// <summary>
/// Computes <see cref="ProxyExchange.HashKey"/> as Envoy's route hash policy does: every policy that yields a value
/// is hashed (XxHash64) and folded into the key (rotate left by one, then xor); a <c>terminal</c> policy that yielded
/// a value ends the evaluation. A cookie policy with a <c>ttl</c> whose cookie is missing generates a value, hashes
/// it, and sets the cookie on the response, so the client sticks to the same endpoint from its next request on.
/// Nothing is set when no policy yields a value: ring hash and Maglev then pick at random.
/// </summary>
internal sealed class LbHashFilter(IReadOnlyList<HashPolicy> policies, Random random) : HttpFilter
{
    private readonly HashPolicy[] _policies = [.. policies];

    public override FilterStage Stage => FilterStage.Route;

    public override string Describe() => "lbHash " + string.Join(", ", _policies.Select(p =>
        (p.Header is not null ? $"header {p.Header}"
            : p.Cookie is { } cookie ? $"cookie {cookie.Name}{(cookie.Ttl is { } ttl ? $" ttl {ttl.TotalSeconds}s" : string.Empty)}{(cookie.Path is null ? string.Empty : $" path {cookie.Path}")}"
            : "sourceIp")
        + (p.Terminal ? " (terminal)" : string.Empty)));

    public override ValueTask<FilterVerdict> OnRequestAsync(ProxyExchange exchange)
    {
        ulong? key = null;
        foreach (var policy in _policies)
        {
            if (HashOf(policy, exchange) is not { } hash)
            {
                continue;
            }

            key = key is { } combined ? ((combined << 1) | (combined >> 63)) ^ hash : hash;
            if (policy.Terminal)
            {
                break;
            }
        }

        if (key is not null)
        {
            exchange.HashKey = key;
        }

        return new(FilterVerdict.Continue);
    }

    public override void OnResponseHeaders(ProxyExchange exchange)
    {
        if (exchange.GetState<GeneratedCookie>(this) is not { } generated)
        {
            return;
        }

        var cookie = generated.Policy;
        var text = new StringBuilder();
        text.Append(cookie.Name).Append('=').Append(generated.Value);
        if (cookie.Ttl is { } ttl && ttl > TimeSpan.Zero)
        {
            text.Append("; Max-Age=").Append(((long)Math.Ceiling(ttl.TotalSeconds)).ToString(CultureInfo.InvariantCulture));
        }

        if (cookie.Path is { } path)
        {
            text.Append("; Path=").Append(path);
        }

        text.Append("; HttpOnly");
        exchange.HttpContext.Response.Headers.Append("Set-Cookie", text.ToString());
    }

    /// <summary>A stable hash of a string's characters; no allocation.</summary>
    public static ulong Hash(ReadOnlySpan<char> value) => XxHash64.HashToUInt64(MemoryMarshal.AsBytes(value));

    private ulong? HashOf(HashPolicy policy, ProxyExchange exchange)
    {
        var request = exchange.HttpContext.Request;
        if (policy.Header is { } header)
        {
            // Envoy hashes the first value of the header.
            var values = request.Headers[header];
            return values.Count == 0 || string.IsNullOrEmpty(values[0]) ? null : Hash(values[0]);
        }

        if (policy.Cookie is { } cookie)
        {
            if (request.Cookies.TryGetValue(cookie.Name, out var value) && value.Length > 0)
            {
                return Hash(value);
            }

            if (cookie.Ttl is null)
            {
                return null;
            }

            var generated = random.NextInt64(long.MinValue, long.MaxValue).ToString("x16", CultureInfo.InvariantCulture);
            exchange.SetState(this, new GeneratedCookie(cookie, generated));
            return Hash(generated);
        }

        if (policy.SourceIp && (exchange.ClientAddress ?? exchange.HttpContext.Connection.RemoteIpAddress) is { } address)
        {
            Span<byte> bytes = stackalloc byte[16];
            var ip = address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address;
            return ip.TryWriteBytes(bytes, out var written) ? XxHash64.HashToUInt64(bytes[..written]) : null;
        }

        return null;
    }

    private sealed record GeneratedCookie(HashCookie Policy, string Value);
}
