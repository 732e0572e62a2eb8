using System.Buffers;

namespace Sluice.Filters.Compression;

/// <summary>
/// A streaming compressor that writes its output straight into the response's pipe. Nothing here does I/O: the
/// caller flushes the pipe. One instance per compressed response; its native state is released by <see cref="Dispose"/>.
/// </summary>
internal abstract class ResponseEncoder : IDisposable
{
    public static ResponseEncoder Create(ContentCoding coding, CompressionPolicy policy, IBufferWriter<byte> output) => coding switch
    {
        ContentCoding.Brotli => new BrotliResponseEncoder(output, policy.BrotliQuality),
        _ => new GzipResponseEncoder(output, policy.ZlibLevel, policy.Strategy),
    };

    /// <summary>Compresses <paramref name="source"/>; output may stay buffered inside the compressor until <see cref="Flush"/>.</summary>
    public abstract void Write(ReadOnlySpan<byte> source);

    /// <summary>Emits everything written so far as a decodable prefix (zlib's sync flush, brotli's flush).</summary>
    public abstract void Flush();

    /// <summary>Ends the stream (gzip trailer, brotli's last meta-block).</summary>
    public abstract void Finish();

    public abstract void Dispose();
}
