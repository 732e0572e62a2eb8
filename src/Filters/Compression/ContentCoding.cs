namespace Sluice.Filters.Compression;

/// <summary>The response content codings Sluice can produce.</summary>
internal enum ContentCoding
{
    Identity = 0,
    Gzip = 1,
    Brotli = 2,
}
