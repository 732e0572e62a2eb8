using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Primitives;
using Sluice.Filters.Listener;
using Sluice.Gateway.Listeners;

namespace Sluice.Gateway.DataPlane;

/// <summary>
/// Refuses or cleans up a request before it is routed, for what Kestrel lets through but an edge proxy must not: a
/// fragment in the target, header names with '_' (which upstreams may read as '-'), and headers the client asked to
/// be dropped by naming them in Connection. Body framing needs nothing here: Kestrel refuses conflicting
/// Content-Lengths, lets Transfer-Encoding win over Content-Length and then closes the connection (RFC 9112 6.3), and
/// YARP re-frames what it forwards. One pass over the headers, no allocation beyond the header enumerator.
/// </summary>
internal static class RequestGuard
{
    private static readonly byte[] FragmentBody = "the request target must not carry a fragment ('#')\n"u8.ToArray();
    private static readonly byte[] UnderscoreBody = "header names with '_' are not accepted here\n"u8.ToArray();

    /// <summary>The reply to send instead of routing, or null when the request may go on.</summary>
    public static byte[]? Check(HttpContext context, ListenerSettings settings)
    {
        var request = context.Request;
        var headers = request.Headers;
        if (context.Features.Get<IHttpRequestFeature>()?.RawTarget is { } target && target.Contains('#', StringComparison.Ordinal))
        {
            return FragmentBody;
        }

        if (settings.HeadersWithUnderscores != HeadersWithUnderscoresAction.ALLOW && HasUnderscoreName(headers))
        {
            if (settings.HeadersWithUnderscores == HeadersWithUnderscoresAction.REJECT_REQUEST)
            {
                return UnderscoreBody;
            }

            DropUnderscoreNames(headers);
        }

        var connection = headers.Connection;
        if (connection.Count > 0)
        {
            DropNamedByConnection(headers, connection);
        }

        return null;
    }

    private static bool HasUnderscoreName(IHeaderDictionary headers)
    {
        foreach (var header in headers)
        {
            if (header.Key.Contains('_', StringComparison.Ordinal))
            {
                return true;
            }
        }

        return false;
    }

    private static void DropUnderscoreNames(IHeaderDictionary headers)
    {
        List<string> names = [];
        foreach (var header in headers)
        {
            if (header.Key.Contains('_', StringComparison.Ordinal))
            {
                names.Add(header.Key);
            }
        }

        foreach (var name in names)
        {
            headers.Remove(name);
        }
    }

    /// <summary>
    /// RFC 9110 7.6.1: headers named in Connection are for this hop only. Dropped before any filter runs, so a client
    /// cannot use it to remove what the gateway itself adds later (X-Forwarded-For, identity headers); Host and the
    /// framing headers are never removed this way.
    /// </summary>
    private static void DropNamedByConnection(IHeaderDictionary headers, StringValues connection)
    {
        foreach (var value in connection)
        {
            if (value is null)
            {
                continue;
            }

            foreach (var range in value.AsSpan().Split(','))
            {
                var token = value.AsSpan()[range].Trim();
                if (token.IsEmpty || token.Equals("close", StringComparison.OrdinalIgnoreCase) || token.Equals("keep-alive", StringComparison.OrdinalIgnoreCase)
                    || token.Equals("upgrade", StringComparison.OrdinalIgnoreCase) || token.Equals("host", StringComparison.OrdinalIgnoreCase)
                    || token.Equals("content-length", StringComparison.OrdinalIgnoreCase) || token.Equals("transfer-encoding", StringComparison.OrdinalIgnoreCase))
                {
                    continue;
                }

                headers.Remove(token.ToString());
            }
        }
    }
}
