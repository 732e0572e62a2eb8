using System.Buffers;
using System.IO.Compression;

namespace Sluice.Filters.Compression;

/// <summary>
/// brotli through <see cref="BrotliEncoder"/>, compressing straight into pipe memory. The window is 2^18 bytes
/// (256 KiB) rather than brotli's default 4 MiB, so a compressed response costs about what a gzip one does.
/// </summary>
internal sealed class BrotliResponseEncoder(IBufferWriter<byte> output, int quality) : ResponseEncoder
{
    private const int WindowBits = 18;

    // A mutable struct holding the native handle: never copy it, always call through the field.
    private BrotliEncoder _encoder = new(quality, WindowBits);

    public override void Write(ReadOnlySpan<byte> source)
    {
        while (true)
        {
            var destination = output.GetSpan(256);
            var status = _encoder.Compress(source, destination, out var consumed, out var written, isFinalBlock: false);
            output.Advance(written);
            source = source[consumed..];
            if (status == OperationStatus.Done && source.IsEmpty)
            {
                return;
            }

            ThrowIfInvalid(status);
        }
    }

    public override void Flush()
    {
        while (true)
        {
            var destination = output.GetSpan(256);
            var status = _encoder.Flush(destination, out var written);
            output.Advance(written);
            if (status == OperationStatus.Done)
            {
                return;
            }

            ThrowIfInvalid(status);
        }
    }

    public override void Finish()
    {
        while (true)
        {
            var destination = output.GetSpan(256);
            var status = _encoder.Compress([], destination, out _, out var written, isFinalBlock: true);
            output.Advance(written);
            if (status == OperationStatus.Done)
            {
                return;
            }

            ThrowIfInvalid(status);
        }
    }

    public override void Dispose() => _encoder.Dispose();

    private static void ThrowIfInvalid(OperationStatus status)
    {
        if (status is OperationStatus.InvalidData or OperationStatus.NeedMoreData)
        {
            throw new InvalidOperationException($"brotli encoder failed: {status}");
        }
    }
}
