using Sluice.Filters.Wasm.Abi;
using Sluice.Filters.Wasm.Runtime;

namespace Sluice.Filters.Wasm.Streams;

/// <summary>
/// Stands in for the request body while it is forwarded: each chunk read from the client goes through
/// <c>proxy_on_request_body</c> first, as Envoy streams it. When the filter answers StopIterationAndBuffer, the rest of
/// the body is read and buffered (up to the limit, 413 beyond) and handed on once the filter saw all of it, possibly
/// rewritten. A local response or a failure mid-body stops the upload; the filter's completion then answers the client.
/// </summary>
internal sealed class WasmRequestBody(WasmStream stream, Stream inner, long maxBytes, bool failOpen) : Stream
{
    private ReadOnlyMemory<byte> _pending;
    private bool _buffering;
    private bool _ended;

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => false;

    public override long Length => throw new NotSupportedException();

    public override long Position
    {
        get => throw new NotSupportedException();
        set => throw new NotSupportedException();
    }

    public override async ValueTask<int> ReadAsync(Memory<byte> destination, CancellationToken cancellationToken = default)
    {
        while (true)
        {
            if (!_pending.IsEmpty)
            {
                var count = Math.Min(destination.Length, _pending.Length);
                _pending.Span[..count].CopyTo(destination.Span);
                _pending = _pending[count..];
                return count;
            }

            if (_ended)
            {
                return 0;
            }

            var read = await inner.ReadAsync(destination, cancellationToken).ConfigureAwait(false);
            var endOfStream = read == 0;
            _ended = endOfStream;
            if (stream.Failed || stream.Finished)
            {
                return read;
            }

            var body = stream.RequestBody;
            if (_buffering)
            {
                body.Append(destination.Span[..read]);
                if (body.Length > maxBytes)
                {
                    stream.LocalResponse = new WasmLocalResponse(413, "request_payload_too_large", "Payload Too Large\n"u8.ToArray(), []);
                    throw new IOException($"the request body is larger than the wasm filter may buffer ({maxBytes} bytes)");
                }
            }
            else
            {
                body.Load(destination.Span[..read]);
            }

            var status = Call(body.Length, endOfStream);
            if (!_buffering && status == FilterDataStatus.StopIterationAndBuffer && !endOfStream)
            {
                _buffering = true;
                continue;
            }

            if (_buffering && !endOfStream)
            {
                continue;
            }

            _pending = body.Content.ToArray();
            body.Clear();
            if (_pending.IsEmpty && endOfStream)
            {
                return 0;
            }
        }
    }

    public override int Read(byte[] buffer, int offset, int count) => ReadAsync(buffer.AsMemory(offset, count)).AsTask().GetAwaiter().GetResult();

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    private FilterDataStatus Call(int size, bool endOfStream)
    {
        var vm = stream.Vm;
        FilterDataStatus status;
        try
        {
            lock (vm.Gate)
            {
                if (vm.Broken)
                {
                    throw new GuestExitException("the instance is gone");
                }

                status = vm.OnRequestBody(stream.ContextId, size, endOfStream);
            }
        }
        catch (Exception ex) when (WasmVm.IsGuestFailure(ex))
        {
            vm.Plugin.ReportFailure(vm, ex);
            stream.Failed = true;
            if (failOpen)
            {
                return FilterDataStatus.Continue;
            }

            stream.LocalResponse = WasmFilter.FailureResponse(vm.Plugin.Name);
            throw new IOException("the wasm filter failed while reading the request body");
        }

        if (stream.LocalResponse is not null)
        {
            throw new IOException("the wasm filter answered the request while its body was being forwarded");
        }

        return status;
    }
}
