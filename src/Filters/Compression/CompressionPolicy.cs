using System.IO.Compression;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Primitives;
using Microsoft.Net.Http.Headers;

namespace Sluice.Filters.Compression;

/// <summary>
/// The compiled, immutable <c>gzip</c> settings and the response-side rules deciding whether a response is
/// compressible. The rules are Envoy's compressor filter's, with the differences listed in docs/filters/compression.md.
/// </summary>
internal sealed class CompressionPolicy
{
    /// <summary>Envoy's (and Gloo's documented) default list when <c>contentType</c> is empty.</summary>
    public static readonly string[] DefaultContentTypes =
    [
        "application/javascript", "application/json", "application/xhtml+xml", "image/svg+xml",
        "text/css", "text/html", "text/plain", "text/xml",
    ];

    public const uint DefaultMinimumLength = 30;

    private const string AcceptEncodingToken = "Accept-Encoding";

    public CompressionPolicy(GzipOptions options)
    {
        ContentTypes = options.ContentType.Count == 0 ? DefaultContentTypes : [.. options.ContentType];
        MinimumLength = options.ContentLength ?? DefaultMinimumLength;
        DisableOnEtag = options.DisableOnEtagHeader;
        RemoveAcceptEncoding = options.RemoveAcceptEncodingHeader;
        Brotli = options.Brotli;
        Level = options.CompressionLevel;
        (ZlibLevel, BrotliQuality) = options.CompressionLevel switch
        {
            GzipCompressionLevel.BEST => (9, 9),
            GzipCompressionLevel.SPEED => (1, 1),
            _ => (6, 4),
        };
        Strategy = options.CompressionStrategy switch
        {
            GzipCompressionStrategy.FILTERED => ZLibCompressionStrategy.Filtered,
            GzipCompressionStrategy.HUFFMAN => ZLibCompressionStrategy.HuffmanOnly,
            GzipCompressionStrategy.RLE => ZLibCompressionStrategy.RunLengthEncoding,
            _ => ZLibCompressionStrategy.Default,
        };
    }

    public string[] ContentTypes { get; }

    public long MinimumLength { get; }

    public bool DisableOnEtag { get; }

    public bool RemoveAcceptEncoding { get; }

    public bool Brotli { get; }

    public GzipCompressionLevel Level { get; }

    /// <summary>zlib's level: BEST 9, SPEED 1, DEFAULT 6 (zlib's own default), as Envoy maps them.</summary>
    public int ZlibLevel { get; }

    /// <summary>Brotli's quality: BEST 9, SPEED 1, DEFAULT 4. 10 and 11 are far too slow for responses on the fly.</summary>
    public int BrotliQuality { get; }

    public ZLibCompressionStrategy Strategy { get; }

    /// <summary>
    /// Whether the response may be compressed, from its status and headers. With <paramref name="contentTypeKnown"/>
    /// false a missing Content-Type does not disqualify it yet (a direct response sets it only when it writes).
    /// </summary>
    public bool IsCompressible(HttpResponse response, bool contentTypeKnown)
    {
        var status = response.StatusCode;

        // No body (1xx, 204, 304), or a byte range of the identity body (206) that a coding would make meaningless.
        if (status < 200 || status is StatusCodes.Status204NoContent or StatusCodes.Status206PartialContent or StatusCodes.Status304NotModified)
        {
            return false;
        }

        var headers = response.Headers;
        if (!StringValues.IsNullOrEmpty(headers.ContentEncoding) || !StringValues.IsNullOrEmpty(headers.ContentRange))
        {
            return false;
        }

        if (response.ContentLength is { } length && length < MinimumLength)
        {
            return false;
        }

        if (ContainsToken(headers.CacheControl, "no-transform") || (DisableOnEtag && !StringValues.IsNullOrEmpty(headers.ETag)))
        {
            return false;
        }

        var contentType = headers.ContentType;
        if (StringValues.IsNullOrEmpty(contentType))
        {
            // Envoy compresses a response without Content-Type; Sluice does not: such bodies are most often binary.
            return !contentTypeKnown;
        }

        return IsListedType(contentType.ToString());
    }

    /// <summary>Envoy compares the media type without parameters, case-insensitively, against the list.</summary>
    public bool IsListedType(string contentType)
    {
        var span = contentType.AsSpan();
        var semicolon = span.IndexOf(';');
        var mediaType = (semicolon < 0 ? span : span[..semicolon]).Trim(" \t");
        foreach (var listed in ContentTypes)
        {
            if (mediaType.Equals(listed, StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>
    /// Vary: Accept-Encoding goes on every compressible response, compressed or not, so that a cache in front of the
    /// gateway keeps the encodings apart (Envoy does the same).
    /// </summary>
    public static void AddVary(IHeaderDictionary headers)
    {
        var vary = headers.Vary;
        if (StringValues.IsNullOrEmpty(vary))
        {
            headers.Vary = AcceptEncodingToken;
        }
        else if (!ContainsToken(vary, AcceptEncodingToken) && !ContainsToken(vary, "*"))
        {
            headers.Vary = string.Concat(vary.ToString(), ", ", AcceptEncodingToken);
        }
    }

    /// <summary>The header changes that go with compressing: coding set, length and byte ranges gone, ETag as Envoy.</summary>
    public static void ApplyCompressedHeaders(IHeaderDictionary headers, ContentCoding coding)
    {
        headers.ContentEncoding = coding == ContentCoding.Brotli ? "br" : "gzip";
        headers.ContentLength = null;
        headers.Remove(HeaderNames.AcceptRanges);

        // Envoy keeps a weak ETag and removes a strong one: the compressed bytes are no longer what it validated.
        var etag = headers.ETag;
        if (!StringValues.IsNullOrEmpty(etag))
        {
            var value = etag.ToString();
            if (value.Length > 2 && !((value[0] == 'W' || value[0] == 'w') && value[1] == '/'))
            {
                headers.Remove(HeaderNames.ETag);
            }
        }

        AddVary(headers);
    }

    /// <summary>Whether a comma-separated header (all its values) lists <paramref name="token"/>, ignoring case and parameters.</summary>
    internal static bool ContainsToken(StringValues values, string token)
    {
        foreach (var value in values)
        {
            var rest = value.AsSpan();
            while (!rest.IsEmpty)
            {
                var comma = rest.IndexOf(',');
                var element = comma < 0 ? rest : rest[..comma];
                rest = comma < 0 ? [] : rest[(comma + 1)..];
                var equals = element.IndexOf('=');
                if ((equals < 0 ? element : element[..equals]).Trim(" \t").Equals(token, StringComparison.OrdinalIgnoreCase))
                {
                    return true;
                }
            }
        }

        return false;
    }
}
