using System.IO.Pipelines;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;

namespace Sluice.Filters.Compression;

/// <summary>
/// The response body feature a compressed response is written through. It is installed on the request side, so it
/// sits directly above the server's feature, beneath any filter that replaces the body later (a body transformation
/// writes its result through it). It stays a pass-through until <see cref="Arm"/> (response headers seen by the chain)
/// and decides at the first write, flush or start, when every filter has finished with the headers. Each write is
/// compressed and flushed at once, as Envoy's compressor flushes every data frame, so streamed responses stay streamed.
/// </summary>
internal sealed class CompressingResponseBody : Stream, IHttpResponseBodyFeature
{
    private readonly HttpContext _context;
    private readonly IHttpResponseBodyFeature _inner;
    private readonly CompressionPolicy _policy;
    private readonly ContentCoding _coding;
    private ResponseEncoder? _encoder;
    private PipeWriter? _writer;
    private Mode _mode;

    public CompressingResponseBody(HttpContext context, IHttpResponseBodyFeature inner, CompressionPolicy policy, ContentCoding coding)
    {
        _context = context;
        _inner = inner;
        _policy = policy;
        _coding = coding;
    }

    private enum Mode
    {
        /// <summary>Response headers not seen yet: whatever is written now (a filter's own reply) passes through.</summary>
        Unarmed,
        Armed,
        PassThrough,
        Compressing,
        Finished,
    }

    Stream IHttpResponseBodyFeature.Stream => this;

    PipeWriter IHttpResponseBodyFeature.Writer => _writer ??= PipeWriter.Create(this, new StreamPipeWriterOptions(leaveOpen: true));

    public override bool CanRead => false;

    public override bool CanSeek => false;

    public override bool CanWrite => true;

    public override long Length => throw new NotSupportedException();

    public override long Position
    {
        get => throw new NotSupportedException();
        set => throw new NotSupportedException();
    }

    /// <summary>The chain ran its response-header filters; from here on the first write decides.</summary>
    public void Arm()
    {
        if (_mode == Mode.Unarmed)
        {
            _mode = Mode.Armed;
        }
    }

    /// <summary>Ends the compressed stream and releases the compressor. Safe to call more than once.</summary>
    public async Task FinishAsync()
    {
        if (_writer is not null)
        {
            await _writer.FlushAsync().ConfigureAwait(false);
        }

        if (_mode != Mode.Compressing)
        {
            _mode = Mode.Finished;
            return;
        }

        _mode = Mode.Finished;
        var encoder = _encoder!;
        _encoder = null;
        try
        {
            // A response YARP aborted (upstream reset mid-body) must not end with a valid trailer.
            if (!_context.RequestAborted.IsCancellationRequested)
            {
                encoder.Finish();
                await _inner.Writer.FlushAsync().ConfigureAwait(false);
            }
        }
        finally
        {
            encoder.Dispose();
        }
    }

    public void DisableBuffering() => _inner.DisableBuffering();

    public Task StartAsync(CancellationToken cancellationToken = default)
    {
        Decide();
        return _inner.StartAsync(cancellationToken);
    }

    public Task SendFileAsync(string path, long offset, long? count, CancellationToken cancellationToken = default)
    {
        Decide();
        return _encoder is null
            ? _inner.SendFileAsync(path, offset, count, cancellationToken)
            : SendFileFallback.SendFileAsync(this, path, offset, count, cancellationToken);
    }

    public async Task CompleteAsync()
    {
        await FinishAsync().ConfigureAwait(false);
        await _inner.CompleteAsync().ConfigureAwait(false);
    }

    public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        Decide();
        if (_encoder is null)
        {
            return _inner.Stream.WriteAsync(buffer, cancellationToken);
        }

        _encoder.Write(buffer.Span);
        _encoder.Flush();
        return FlushPipeAsync(cancellationToken);
    }

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override void Write(ReadOnlySpan<byte> buffer)
    {
        Decide();
        if (_encoder is null)
        {
            _inner.Stream.Write(buffer);
            return;
        }

        _encoder.Write(buffer);
        _encoder.Flush();

        // The server's stream decides whether synchronous I/O is allowed (Kestrel: no, unless AllowSynchronousIO).
        _inner.Stream.Flush();
    }

    public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

    public override Task FlushAsync(CancellationToken cancellationToken)
    {
        Decide();
        if (_encoder is null)
        {
            return _inner.Stream.FlushAsync(cancellationToken);
        }

        _encoder.Flush();
        return FlushPipeAsync(cancellationToken).AsTask();
    }

    public override void Flush()
    {
        Decide();
        _encoder?.Flush();
        _inner.Stream.Flush();
    }

    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        // The server owns the response stream; a caller disposing Response.Body must not end the response early.
        base.Dispose(disposing);
    }

    public override ValueTask DisposeAsync() => ValueTask.CompletedTask;

    private void Decide()
    {
        if (_mode != Mode.Armed && _mode != Mode.Unarmed)
        {
            return;
        }

        var response = _context.Response;
        if (_mode == Mode.Unarmed || response.HasStarted || !_policy.IsCompressible(response, contentTypeKnown: true))
        {
            _mode = Mode.PassThrough;
            return;
        }

        CompressionPolicy.ApplyCompressedHeaders(response.Headers, _coding);
        _encoder = ResponseEncoder.Create(_coding, _policy, _inner.Writer);
        _mode = Mode.Compressing;
    }

    private ValueTask FlushPipeAsync(CancellationToken cancellationToken)
    {
        var flush = _inner.Writer.FlushAsync(cancellationToken);
        return flush.IsCompletedSuccessfully ? ValueTask.CompletedTask : AwaitFlush(flush);

        static async ValueTask AwaitFlush(ValueTask<FlushResult> flush) => await flush.ConfigureAwait(false);
    }
}
