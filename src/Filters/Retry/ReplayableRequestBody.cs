using System.Buffers;

namespace Sluice.Filters.Retry;

/// <summary>
/// The request body as the forwarding loop hands it to YARP when a retry policy is in force. In recording mode (a
/// declared length within <c>maxReplayBytes</c>) every byte read from the client is kept, so that a retry replays the
/// same bytes from the start and then continues with the client's stream. In pass-through mode (unknown or larger
/// length) it only notes whether the body was touched: an untouched body can still go to another endpoint.
/// </summary>
/// <remarks>
/// Kestrel's request body cannot be read again after a read was cancelled (Http1ContentLengthMessageBody leaves itself
/// "reading"), and YARP cancels the body copy of an attempt it abandons. So in recording mode the client's stream is read
/// without the caller's token, into this buffer: a cancelled caller leaves that read running, and the next attempt
/// picks its bytes up. The read still ends when the client disconnects or the request ends.
/// </remarks>
internal sealed class ReplayableRequestBody : Stream
{
    private readonly Stream _inner;
    private readonly int _length;
    private byte[]? _buffer;
    private int _recorded;
    private int _position;
    private bool _ended;
    private bool _faulted;
    private bool _touched;
    private Task<int>? _pendingRead;

    private ReplayableRequestBody(Stream inner, int length, byte[]? buffer)
    {
        _inner = inner;
        _length = length;
        _buffer = buffer;
    }

    /// <summary>The client's body, which the loop puts back when forwarding ends.</summary>
    public Stream Inner => _inner;

    public bool IsRecording => _buffer is not null;

    /// <summary>Whether the next attempt can send the whole body again.</summary>
    public bool CanReplay => IsRecording ? !_faulted : !_touched;

    /// <summary>Whether the whole body is held (recording mode, every declared byte read).</summary>
    public bool IsComplete => IsRecording && !_faulted && (_recorded == _length || _ended);

    /// <summary>The bytes kept so far; the whole body when <see cref="IsComplete"/>.</summary>
    public ReadOnlySpan<byte> Recorded => _buffer.AsSpan(0, _recorded);

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => false;

    public override long Length => throw new NotSupportedException();

    public override long Position
    {
        get => throw new NotSupportedException();
        set => throw new NotSupportedException();
    }

    /// <summary>Records a body of <paramref name="length"/> declared bytes (at least 1) as it is read.</summary>
    public static ReplayableRequestBody Recording(Stream inner, int length) => new(inner, length, ArrayPool<byte>.Shared.Rent(length));

    /// <summary>Passes reads through, noting only whether any happened.</summary>
    public static ReplayableRequestBody PassThrough(Stream inner) => new(inner, 0, null);

    /// <summary>Starts the body over for the next attempt.</summary>
    public void Rewind() => _position = 0;

    public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        if (!IsRecording)
        {
            _touched = true;
            return _inner.ReadAsync(buffer, cancellationToken);
        }

        if (_position < _recorded || buffer.IsEmpty)
        {
            return new(Serve(buffer.Span));
        }

        return _recorded == _length || _ended ? new(0) : FillAndServeAsync(buffer, cancellationToken);
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override int Read(Span<byte> buffer)
    {
        if (!IsRecording)
        {
            _touched = true;
            return _inner.Read(buffer);
        }

        if (_position == _recorded && _recorded < _length && !_ended)
        {
            int read;
            try
            {
                // A synchronous read after an abandoned asynchronous one waits for it rather than racing it.
                read = _pendingRead is not null ? _pendingRead.GetAwaiter().GetResult() : _inner.Read(_buffer!, _recorded, _length - _recorded);
            }
            catch
            {
                _pendingRead = null;
                _faulted = true;
                throw;
            }

            Complete(read);
        }

        return Serve(buffer);
    }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    /// <summary>Returns the buffer to the pool, unless an abandoned read may still write into it.</summary>
    public void Release()
    {
        var buffer = _buffer;
        if (buffer is not null && (_pendingRead is null || _pendingRead.IsCompleted))
        {
            _buffer = null;
            _faulted = true;
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            Release();
        }

        base.Dispose(disposing);
    }

    private async ValueTask<int> FillAndServeAsync(Memory<byte> destination, CancellationToken cancellationToken)
    {
        var pending = _pendingRead ??= _inner.ReadAsync(_buffer.AsMemory(_recorded, _length - _recorded), CancellationToken.None).AsTask();
        int read;
        try
        {
            read = pending.IsCompleted || !cancellationToken.CanBeCanceled
                ? await pending.ConfigureAwait(false)
                : await pending.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // The caller (an abandoned attempt) gave up; the read goes on into our buffer for the next attempt.
            throw;
        }
        catch
        {
            _pendingRead = null;
            _faulted = true;
            throw;
        }

        _pendingRead = null;
        Complete(read);
        return Serve(destination.Span);
    }

    private void Complete(int read)
    {
        _pendingRead = null;
        if (read == 0)
        {
            _ended = true;
        }

        _recorded += read;
    }

    private int Serve(Span<byte> destination)
    {
        var count = Math.Min(_recorded - _position, destination.Length);
        _buffer.AsSpan(_position, count).CopyTo(destination);
        _position += count;
        return count;
    }
}
