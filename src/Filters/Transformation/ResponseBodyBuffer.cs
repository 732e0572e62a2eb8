using System.IO.Pipelines;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;

namespace Sluice.Filters.Transformation;

/// <summary>
/// Stands in for the response body while a response transformation needs all of it: YARP copies the upstream body
/// here instead of to the client, and nothing is sent (the response has not started) until the transformation writes
/// the result through the original feature. Past the limit, bytes are counted and dropped, so the limit bounds memory.
/// </summary>
internal sealed class ResponseBodyBuffer : IHttpResponseBodyFeature
{
    private readonly BufferStream _stream;
    private PipeWriter? _writer;

    public ResponseBodyBuffer(IHttpResponseBodyFeature original, long maxBytes)
    {
        Original = original;
        _stream = new BufferStream(maxBytes);
    }

    public IHttpResponseBodyFeature Original { get; }

    public Stream Stream => _stream;

    public PipeWriter Writer => _writer ??= PipeWriter.Create(_stream, new StreamPipeWriterOptions(leaveOpen: true));

    public bool Overflowed => _stream.Overflowed;

    public ReadOnlyMemory<byte> Content => _stream.Content;

    public void DisableBuffering()
    {
    }

    public Task StartAsync(CancellationToken cancellationToken = default) => Task.CompletedTask;

    public Task SendFileAsync(string path, long offset, long? count, CancellationToken cancellationToken = default) =>
        SendFileFallback.SendFileAsync(_stream, path, offset, count, cancellationToken);

    public Task CompleteAsync() => _writer is null ? Task.CompletedTask : _writer.FlushAsync().AsTask();

    /// <summary>Moves anything still held by the pipe writer into the buffer.</summary>
    public async ValueTask FlushAsync()
    {
        if (_writer is not null)
        {
            await _writer.FlushAsync().ConfigureAwait(false);
        }
    }

    /// <summary>A growable, seekable in-memory stream (HttpResponse.Clear truncates it) that stops keeping bytes past its limit.</summary>
    private sealed class BufferStream(long maxBytes) : Stream
    {
        private byte[] _buffer = [];
        private int _length;

        public bool Overflowed { get; private set; }

        public ReadOnlyMemory<byte> Content => _buffer.AsMemory(0, _length);

        public override bool CanRead => false;

        public override bool CanSeek => true;

        public override bool CanWrite => true;

        public override long Length => _length;

        public override long Position
        {
            get => _length;
            set => SetLength(value);
        }

        public override void Flush()
        {
        }

        public override Task FlushAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value)
        {
            if (value < 0 || value > _length)
            {
                throw new ArgumentOutOfRangeException(nameof(value));
            }

            _length = (int)value;
            Overflowed = false;
        }

        public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

        public override void Write(ReadOnlySpan<byte> buffer)
        {
            if (Overflowed || _length + (long)buffer.Length > maxBytes)
            {
                Overflowed = true;
                return;
            }

            if (_length + buffer.Length > _buffer.Length)
            {
                Array.Resize(ref _buffer, (int)Math.Min(maxBytes, Math.Max((long)_buffer.Length * 2, _length + buffer.Length + 4096L)));
            }

            buffer.CopyTo(_buffer.AsSpan(_length));
            _length += buffer.Length;
        }

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
    }
}
