namespace Sluice.Filters.Compression;

/// <summary>
/// Gloo's <c>gzip</c> option (<c>solo.io.envoy.config.filter.http.gzip.v2.Gzip</c>), which Gloo accepts only in a
/// Gateway's <c>httpGateway.options</c>; Sluice also accepts it on virtual hosts, routes and weighted destinations.
/// <see cref="Brotli"/> and <see cref="Disabled"/> are Sluice extensions.
/// </summary>
public sealed record GzipOptions
{
    /// <summary>zlib's memLevel (1-9). Accepted for compatibility; .NET's zlib binding always uses 8.</summary>
    public uint? MemoryLevel { get; init; }

    /// <summary>The smallest response, in bytes, that is compressed when its length is known. Default 30, as Envoy.</summary>
    public uint? ContentLength { get; init; }

    public GzipCompressionLevel CompressionLevel { get; init; }

    public GzipCompressionStrategy CompressionStrategy { get; init; }

    /// <summary>Media types to compress (without parameters); empty means Envoy's default list.</summary>
    public IReadOnlyList<string> ContentType { get; init; } = [];

    /// <summary>Do not compress responses that carry an ETag (otherwise a strong ETag is removed, as Envoy does).</summary>
    public bool DisableOnEtagHeader { get; init; }

    /// <summary>Remove Accept-Encoding from the upstream request, so that the upstream never compresses itself.</summary>
    public bool RemoveAcceptEncodingHeader { get; init; }

    /// <summary>zlib's window bits (9-15). Accepted for compatibility; .NET's zlib binding always uses 15.</summary>
    public uint? WindowBits { get; init; }

    /// <summary>Sluice extension: also offer brotli (<c>br</c>), preferred over gzip when the client accepts both equally.</summary>
    public bool Brotli { get; init; }

    /// <summary>Sluice extension: turn compression off here when an outer layer (the Gateway, the virtual host) enabled it.</summary>
    public bool Disabled { get; init; }
}

/// <summary>Gloo's <c>Gzip.CompressionLevel.Enum</c>.</summary>
public enum GzipCompressionLevel
{
    DEFAULT = 0,
    BEST = 1,
    SPEED = 2,
}

/// <summary>Gloo's <c>Gzip.CompressionStrategy</c>, zlib's strategies.</summary>
public enum GzipCompressionStrategy
{
    DEFAULT = 0,
    FILTERED = 1,
    HUFFMAN = 2,
    RLE = 3,
}
