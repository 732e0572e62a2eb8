using System.Globalization;
using Microsoft.Extensions.Primitives;

namespace Sluice.Filters.Compression;

/// <summary>
/// Picks the response coding from the request's Accept-Encoding (RFC 9110 §12.5.3), without allocating.
/// The highest q-value wins, as in Envoy's compressor; a tie between br and gzip goes to br (smaller for text);
/// <c>*</c> stands for every coding not listed; <c>q=0</c> excludes a coding even if it is listed again; identity
/// wins only when the client ranks it strictly above the best coding. No header, or nothing acceptable: identity.
/// </summary>
internal static class AcceptEncodingNegotiator
{
    private const float Unset = -1;

    public static ContentCoding Negotiate(StringValues acceptEncoding, bool brotliEnabled)
    {
        float gzip = Unset, brotli = Unset, identity = Unset, wildcard = Unset;
        foreach (var value in acceptEncoding)
        {
            if (value is null)
            {
                continue;
            }

            var rest = value.AsSpan();
            while (!rest.IsEmpty)
            {
                var comma = rest.IndexOf(',');
                var element = comma < 0 ? rest : rest[..comma];
                rest = comma < 0 ? [] : rest[(comma + 1)..];
                if (!TryParseElement(element, out var coding, out var quality))
                {
                    continue;
                }

                if (coding.Equals("gzip", StringComparison.OrdinalIgnoreCase) || coding.Equals("x-gzip", StringComparison.OrdinalIgnoreCase))
                {
                    Merge(ref gzip, quality);
                }
                else if (coding.Equals("br", StringComparison.OrdinalIgnoreCase))
                {
                    Merge(ref brotli, quality);
                }
                else if (coding.Equals("identity", StringComparison.OrdinalIgnoreCase))
                {
                    Merge(ref identity, quality);
                }
                else if (coding is "*")
                {
                    Merge(ref wildcard, quality);
                }
            }
        }

        var gzipQuality = gzip != Unset ? gzip : Math.Max(wildcard, 0);
        var brotliQuality = !brotliEnabled ? 0 : brotli != Unset ? brotli : Math.Max(wildcard, 0);
        var (best, bestQuality) = brotliQuality > 0 && brotliQuality >= gzipQuality
            ? (ContentCoding.Brotli, brotliQuality)
            : (ContentCoding.Gzip, gzipQuality);
        if (bestQuality <= 0)
        {
            return ContentCoding.Identity;
        }

        // Identity is always acceptable unless excluded; it only beats a coding the client ranked lower.
        var identityQuality = identity != Unset ? identity : wildcard;
        return identityQuality > bestQuality ? ContentCoding.Identity : best;
    }

    /// <summary>One list element: <c>coding *( OWS ";" OWS parameter )</c>. Elements with an unreadable q are skipped, as Envoy does.</summary>
    private static bool TryParseElement(ReadOnlySpan<char> element, out ReadOnlySpan<char> coding, out float quality)
    {
        quality = 1;
        var semicolon = element.IndexOf(';');
        coding = (semicolon < 0 ? element : element[..semicolon]).Trim(" \t");
        if (coding.IsEmpty)
        {
            return false;
        }

        var parameters = semicolon < 0 ? [] : element[(semicolon + 1)..];
        while (!parameters.IsEmpty)
        {
            var next = parameters.IndexOf(';');
            var parameter = (next < 0 ? parameters : parameters[..next]).Trim(" \t");
            parameters = next < 0 ? [] : parameters[(next + 1)..];
            var equals = parameter.IndexOf('=');
            if (equals < 0 || !parameter[..equals].TrimEnd(" \t").Equals("q", StringComparison.OrdinalIgnoreCase))
            {
                continue;
            }

            if (!float.TryParse(parameter[(equals + 1)..].TrimStart(" \t"), NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out quality)
                || quality > 1)
            {
                return false;
            }
        }

        return true;
    }

    private static void Merge(ref float slot, float quality) =>
        slot = slot == 0 || quality == 0 ? 0 : Math.Max(slot, quality);
}
