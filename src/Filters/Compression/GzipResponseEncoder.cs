using System.Buffers;
using System.IO.Compression;

namespace Sluice.Filters.Compression;

/// <summary>
/// gzip through <see cref="GZipStream"/>, the only public zlib binding in .NET; its output goes through a small
/// stream adapter into the response pipe. zlib's window and memory level are .NET's fixed 15 and 8 (about 256 KiB).
/// </summary>
internal sealed class GzipResponseEncoder : ResponseEncoder
{
    private readonly BufferWriterStream _sink;
    private readonly GZipStream _gzip;

    public GzipResponseEncoder(IBufferWriter<byte> output, int level, ZLibCompressionStrategy strategy)
    {
        _sink = new BufferWriterStream(output);
        _gzip = new GZipStream(_sink, new ZLibCompressionOptions { CompressionLevel = level, CompressionStrategy = strategy }, leaveOpen: true);
    }

    public override void Write(ReadOnlySpan<byte> source) => _gzip.Write(source);

    public override void Flush() => _gzip.Flush();

    public override void Finish() => _gzip.Dispose();

    public override void Dispose()
    {
        // Disposing writes the trailer; when the response was abandoned there is nowhere to write it.
        _sink.Discard = true;
        _gzip.Dispose();
    }

    /// <summary>Write-only stream over the pipe: writes copy into pipe memory, flushes are left to the caller.</summary>
    private sealed class BufferWriterStream(IBufferWriter<byte> output) : Stream
    {
        public bool Discard { get; set; }

        public override bool CanRead => false;

        public override bool CanSeek => false;

        public override bool CanWrite => true;

        public override long Length => throw new NotSupportedException();

        public override long Position
        {
            get => throw new NotSupportedException();
            set => throw new NotSupportedException();
        }

        public override void Write(ReadOnlySpan<byte> buffer)
        {
            if (!Discard)
            {
                output.Write(buffer);
            }
        }

        public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

        public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
        {
            Write(buffer.Span);
            return ValueTask.CompletedTask;
        }

        public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken)
        {
            Write(buffer.AsSpan(offset, count));
            return Task.CompletedTask;
        }

        public override void Flush()
        {
        }

        public override Task FlushAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();
    }
}
