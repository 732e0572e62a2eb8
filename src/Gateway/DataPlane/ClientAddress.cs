using System.Net;
using Microsoft.Extensions.Primitives;
using Sluice.Gateway.Listeners;

namespace Sluice.Gateway.DataPlane;

/// <summary>
/// Who the client is, as Envoy decides it: the connection's peer, unless the listener trusts proxies in front of it
/// (<c>xffNumTrustedHops</c>, or <c>trustedProxies</c> CIDRs that the peer and the later hops must be in). Only then
/// is an X-Forwarded-For entry believed; a client that writes its own X-Forwarded-For changes nothing.
/// </summary>
internal static class ClientAddress
{
    // The peer of the last request this thread saw, in canonical form and as text: every request of a keep-alive
    // connection (and every connection from one host) has the same peer, and on a dual-stack listener mapping it to
    // IPv4 and formatting it would otherwise allocate twice per request.
    [ThreadStatic]
    private static IPAddress? t_lastPeer;

    [ThreadStatic]
    private static IPAddress? t_lastCanonical;

    [ThreadStatic]
    private static string? t_lastText;

    public static IPAddress? Resolve(HttpContext context, ListenerSettings settings)
    {
        var peer = Peer(context, out _);
        if (!settings.TrustsForwardedFor || peer is null)
        {
            return peer;
        }

        var forwarded = context.Request.Headers["X-Forwarded-For"];
        if (forwarded.Count == 0)
        {
            return peer;
        }

        Span<Range> scratch = stackalloc Range[64];
        var entries = Entries(forwarded, scratch, out var text);
        if (!settings.UseRemoteAddress && settings.XffNumTrustedHops == 0 && settings.TrustedProxies.Length == 0)
        {
            // use_remote_address: false believes the header as sent (a proxy in front always overwrites it).
            return entries.Length > 0 && TryParse(text, entries[^1], out var last) ? last : peer;
        }

        if (settings.TrustedProxies.Length > 0)
        {
            if (!IsTrusted(peer, settings))
            {
                return peer;
            }

            // Right to left, past every hop in the trusted ranges: the first address outside them is the client.
            for (var i = entries.Length - 1; i >= 0; i--)
            {
                if (!TryParse(text, entries[i], out var hop))
                {
                    return peer;
                }

                if (!IsTrusted(hop, settings))
                {
                    return hop;
                }
            }

            return peer;
        }

        // xff_num_trusted_hops = N: the N-th entry from the right was written by the outermost trusted proxy.
        var index = entries.Length - settings.XffNumTrustedHops;
        return index >= 0 && TryParse(text, entries[index], out var client) ? client : peer;
    }

    /// <summary>The X-Forwarded-For the upstream gets: the peer alone unless the received chain is trusted.</summary>
    public static string? Forwarded(HttpContext context, ListenerSettings settings)
    {
        var peer = Peer(context, out var peerText);
        var received = context.Request.Headers["X-Forwarded-For"];
        var trustReceived = received.Count > 0 && settings.TrustsForwardedFor
            && (settings.TrustedProxies.Length == 0 || (peer is not null && IsTrusted(peer, settings)));
        if (settings.SkipXffAppend || peer is null)
        {
            return trustReceived ? received.ToString() : null;
        }

        return trustReceived ? $"{received}, {peerText}" : peerText;
    }

    /// <summary>The X-Forwarded-Proto the upstream gets: a trusted proxy's (<c>http</c> or <c>https</c>), else the listener's scheme.</summary>
    public static string ForwardedProto(HttpContext context, ListenerSettings settings) =>
        settings.TrustsForwardedFor && context.Request.Headers["X-Forwarded-Proto"] is [{ } proto] && proto is "http" or "https"
            ? proto
            : context.Request.Scheme;

    private static IPAddress? Peer(HttpContext context, out string? text)
    {
        var address = context.Connection.RemoteIpAddress;
        if (address is null)
        {
            text = null;
            return null;
        }

        if (!address.Equals(t_lastPeer))
        {
            var canonical = Canonical(address)!;
            t_lastCanonical = canonical;
            t_lastText = canonical.ToString();
            t_lastPeer = address;
        }

        text = t_lastText;
        return t_lastCanonical;
    }

    private static bool IsTrusted(IPAddress address, ListenerSettings settings)
    {
        foreach (var network in settings.TrustedProxies)
        {
            if (network.Contains(address))
            {
                return true;
            }
        }

        return false;
    }

    private static IPAddress? Canonical(IPAddress? address) => address is { IsIPv4MappedToIPv6: true } ? address.MapToIPv4() : address;

    private static ReadOnlySpan<Range> Entries(StringValues values, Span<Range> scratch, out string text)
    {
        text = values.Count == 1 ? values[0]! : values.ToString();
        var count = text.AsSpan().Split(scratch, ',');
        return scratch[..count];
    }

    private static bool TryParse(string text, Range range, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out IPAddress? address)
    {
        var span = text.AsSpan()[range].Trim();
        address = IPAddress.TryParse(span, out var parsed) ? Canonical(parsed) : null;
        return address is not null;
    }
}
