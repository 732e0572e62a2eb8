using Microsoft.AspNetCore.Http;

namespace Sluice.Filters.BufferLimits;

/// <summary>
/// The request body as the gateway reads it when its length is not declared: counts bytes and fails the read that
/// would cross the limit with a 413 <see cref="BadHttpRequestException"/>, which YARP maps to the response status.
/// This holds for gRPC too, where YARP lifts Kestrel's own MaxRequestBodySize.
/// </summary>
internal sealed class LimitedRequestBody(Stream inner, long limit, RequestBodyLimitFilter owner) : Stream
{
    private long _read;

    public RequestBodyLimitFilter Owner { get; } = owner;

    public bool LimitExceeded { get; private set; }

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => false;

    public override long Length => throw new NotSupportedException();

    public override long Position
    {
        get => throw new NotSupportedException();
        set => throw new NotSupportedException();
    }

    public override int Read(Span<byte> buffer) => Count(inner.Read(buffer));

    public override int Read(byte[] buffer, int offset, int count) => Count(inner.Read(buffer, offset, count));

    public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        var read = inner.ReadAsync(buffer, cancellationToken);
        return read.IsCompletedSuccessfully ? new(Count(read.Result)) : AwaitAndCount(read);
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    private async ValueTask<int> AwaitAndCount(ValueTask<int> read) => Count(await read.ConfigureAwait(false));

    private int Count(int read)
    {
        if (LimitExceeded)
        {
            throw TooLarge();
        }

        _read += read;
        if (_read > limit)
        {
            // The bytes of this read are never handed on, so the upstream receives at most the limit.
            LimitExceeded = true;
            throw TooLarge();
        }

        return read;
    }

    private BadHttpRequestException TooLarge() =>
        new($"The request body exceeds this route's limit of {limit} bytes.", StatusCodes.Status413PayloadTooLarge);
}
