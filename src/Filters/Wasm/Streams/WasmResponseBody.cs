using System.IO.Pipelines;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Sluice.Filters.Wasm.Abi;
using Sluice.Filters.Wasm.Runtime;

namespace Sluice.Filters.Wasm.Streams;

/// <summary>
/// Stands in for the response body: each chunk YARP copies goes through <c>proxy_on_response_body</c> and on to the
/// client, or, once the filter answers StopIterationAndBuffer, is held (up to the limit; 500 beyond, as Envoy answers
/// a response it cannot buffer) until the end, when the filter sees the whole body with end_of_stream and may rewrite
/// it. In discard mode (the filter answered locally) the upstream body is dropped.
/// </summary>
internal sealed class WasmResponseBody : Stream, IHttpResponseBodyFeature
{
    private readonly WasmStream _stream;
    private readonly HttpContext _context;
    private readonly long _maxBytes;
    private readonly bool _failOpen;
    private PipeWriter? _writer;
    private bool _buffering;
    private bool _overflowed;

    public WasmResponseBody(WasmStream stream, IHttpResponseBodyFeature original, long maxBytes, bool failOpen, bool discard)
    {
        _stream = stream;
        _context = stream.Exchange.HttpContext;
        Original = original;
        _maxBytes = maxBytes;
        _failOpen = failOpen;
        Discarding = discard;
    }

    public IHttpResponseBodyFeature Original { get; }

    public WasmStream Owner => _stream;

    public bool Discarding { get; private set; }

    Stream IHttpResponseBodyFeature.Stream => this;

    public PipeWriter Writer => _writer ??= PipeWriter.Create(this, new StreamPipeWriterOptions(leaveOpen: true));

    public override bool CanRead => false;

    public override bool CanSeek => false;

    public override bool CanWrite => true;

    public override long Length => throw new NotSupportedException();

    public override long Position
    {
        get => throw new NotSupportedException();
        set => throw new NotSupportedException();
    }

    public void DisableBuffering() => Original.DisableBuffering();

    public Task StartAsync(CancellationToken cancellationToken = default) =>
        _buffering || Discarding ? Task.CompletedTask : Original.StartAsync(cancellationToken);

    public Task SendFileAsync(string path, long offset, long? count, CancellationToken cancellationToken = default) =>
        SendFileFallback.SendFileAsync(this, path, offset, count, cancellationToken);

    public Task CompleteAsync() => _writer is null ? Task.CompletedTask : _writer.FlushAsync().AsTask();

    public override Task FlushAsync(CancellationToken cancellationToken) =>
        _buffering || Discarding ? Task.CompletedTask : Original.Stream.FlushAsync(cancellationToken);

    public override void Flush()
    {
    }

    public override async ValueTask WriteAsync(ReadOnlyMemory<byte> chunk, CancellationToken cancellationToken = default)
    {
        if (Discarding || chunk.IsEmpty)
        {
            return;
        }

        if (_stream.Failed || _stream.Finished)
        {
            await Original.Stream.WriteAsync(chunk, cancellationToken).ConfigureAwait(false);
            return;
        }

        var body = _stream.ResponseBody;
        if (_buffering)
        {
            if (_overflowed || body.Length + (long)chunk.Length > _maxBytes)
            {
                _overflowed = true;
                return;
            }

            body.Append(chunk.Span);
            Call(body.Length, endOfStream: false);
            return;
        }

        body.Load(chunk.Span);
        var status = Call(body.Length, endOfStream: false);
        if (Discarding)
        {
            return;
        }

        if (status == FilterDataStatus.StopIterationAndBuffer)
        {
            _buffering = true;
            return;
        }

        await PassOnAsync(body, cancellationToken).ConfigureAwait(false);
    }

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override void Write(byte[] buffer, int offset, int count) => WriteAsync(buffer.AsMemory(offset, count)).AsTask().GetAwaiter().GetResult();

    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    /// <summary>The end of the body: the filter's last call with end_of_stream, then what it left goes to the client.</summary>
    public async ValueTask CompleteBodyAsync()
    {
        if (_writer is not null)
        {
            await _writer.FlushAsync().ConfigureAwait(false);
        }

        _context.Features.Set(Original);
        var response = _context.Response;
        if (!Discarding && !_stream.Failed && !_stream.Finished)
        {
            var body = _stream.ResponseBody;
            if (_overflowed)
            {
                _stream.LocalResponse = new WasmLocalResponse(500, "response_payload_too_large", "the response body is larger than the wasm filter may buffer\n"u8.ToArray(), []);
                Discarding = true;
            }
            else
            {
                if (!_buffering)
                {
                    body.Clear();
                }

                Call(body.Length, endOfStream: true);
            }

            if (!Discarding)
            {
                if (_buffering && !response.HasStarted)
                {
                    response.ContentLength = body.Length;
                }

                await PassOnAsync(body, _context.RequestAborted).ConfigureAwait(false);
                return;
            }
        }

        if (Discarding && _stream.LocalResponse is { } local)
        {
            await WasmFilter.WriteLocalResponseAsync(_context, local).ConfigureAwait(false);
        }
    }

    private async ValueTask PassOnAsync(BodyBuffer body, CancellationToken cancellationToken)
    {
        if (body.Length == 0)
        {
            return;
        }

        var response = _context.Response;
        if (body.Modified && !response.HasStarted && !_buffering)
        {
            // A rewritten chunk no longer adds up to the upstream's length; the rest goes chunked.
            response.Headers.ContentLength = null;
        }

        if (!HttpMethods.IsHead(_context.Request.Method))
        {
            await Original.Stream.WriteAsync(body.Memory, cancellationToken).ConfigureAwait(false);
        }

        body.Clear();
    }

    private FilterDataStatus Call(int size, bool endOfStream)
    {
        var vm = _stream.Vm;
        FilterDataStatus status;
        try
        {
            lock (vm.Gate)
            {
                if (vm.Broken)
                {
                    throw new GuestExitException("the instance is gone");
                }

                status = vm.OnResponseBody(_stream.ContextId, size, endOfStream);
            }
        }
        catch (Exception ex) when (WasmVm.IsGuestFailure(ex))
        {
            vm.Plugin.ReportFailure(vm, ex);
            _stream.Failed = true;
            if (!_failOpen && !_context.Response.HasStarted)
            {
                _stream.LocalResponse = WasmFilter.FailureResponse(vm.Plugin.Name);
                Discarding = true;
            }

            return FilterDataStatus.Continue;
        }

        if (_stream.LocalResponse is not null)
        {
            if (_context.Response.HasStarted)
            {
                _context.Abort();
            }

            Discarding = true;
        }

        return status;
    }
}
