using System.IO.Pipelines;
using System.Text;
using Sluice.Filters.Retry;

namespace Sluice.Filters.Tests.Retry;

public sealed class ReplayableRequestBodyTests
{
    [Fact]
    public async Task Recording_ReplaysTheSameBytes_AfterAPartialRead()
    {
        var payload = Encoding.UTF8.GetBytes("{\"order\": 42, \"items\": [1, 2, 3]}");
        var body = ReplayableRequestBody.Recording(new TrickleStream(payload, 8), payload.Length);

        var first = new byte[10];
        Assert.Equal(8, await body.ReadAsync(first));
        Assert.True(body.CanReplay);
        Assert.False(body.IsComplete);

        body.Rewind();
        Assert.Equal(payload, await ReadAllAsync(body, chunk: 7));
        Assert.True(body.IsComplete);
        Assert.Equal(payload, body.Recorded.ToArray());

        body.Rewind();
        Assert.Equal(payload, await ReadAllAsync(body, chunk: 64));
    }

    [Fact]
    public async Task Recording_StopsAtTheDeclaredLength_WithoutAskingTheClientAgain()
    {
        var inner = new CountingStream(new byte[5]);
        var body = ReplayableRequestBody.Recording(inner, 5);

        Assert.Equal(5, (await ReadAllAsync(body, chunk: 100)).Length);
        var readsAfterWhole = inner.Reads;
        Assert.Equal(0, await body.ReadAsync(new byte[10]));
        Assert.Equal(readsAfterWhole, inner.Reads);
    }

    [Fact]
    public async Task CancelledRead_LeavesTheClientReadRunning_AndTheNextAttemptGetsItsBytes()
    {
        // Kestrel's body cannot be read again after a cancelled read; the wrapper never cancels the client's read.
        var pipe = new Pipe();
        var inner = new NoCancelledReadsStream(pipe.Reader.AsStream());
        var body = ReplayableRequestBody.Recording(inner, 6);
        await pipe.Writer.WriteAsync("abc"u8.ToArray());
        Assert.Equal("abc", await ReadStringAsync(body, 3));

        using var abandoned = new CancellationTokenSource();
        var pending = body.ReadAsync(new byte[6], abandoned.Token).AsTask();
        await abandoned.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => pending);
        Assert.True(body.CanReplay);

        await pipe.Writer.WriteAsync("def"u8.ToArray());
        await pipe.Writer.CompleteAsync();
        body.Rewind();
        Assert.Equal("abcdef", Encoding.UTF8.GetString(await ReadAllAsync(body, chunk: 4)));
        Assert.False(inner.SawCancellableRead);
    }

    [Fact]
    public async Task FailingClientRead_MakesTheBodyNotReplayable()
    {
        var body = ReplayableRequestBody.Recording(new ThrowingStream(), 10);
        await Assert.ThrowsAsync<IOException>(async () => _ = await body.ReadAsync(new byte[10]));
        Assert.False(body.CanReplay);
        Assert.False(body.IsComplete);
    }

    [Fact]
    public async Task PassThrough_IsReplayableOnlyUntilRead()
    {
        var body = ReplayableRequestBody.PassThrough(new MemoryStream(new byte[100]));
        Assert.True(body.CanReplay);
        Assert.False(body.IsRecording);

        Assert.Equal(100, (await ReadAllAsync(body, chunk: 30)).Length);
        Assert.False(body.CanReplay);
        Assert.False(body.IsComplete);
    }

    [Fact]
    public void SynchronousReads_RecordToo()
    {
        var body = ReplayableRequestBody.Recording(new MemoryStream("hello"u8.ToArray()), 5);
        var buffer = new byte[3];
        Assert.Equal(3, body.Read(buffer));
        body.Rewind();
        var all = new byte[5];
        Assert.Equal(5, body.Read(all));
        Assert.Equal("hello", Encoding.UTF8.GetString(all));
    }

    private static async Task<string> ReadStringAsync(Stream stream, int count)
    {
        var buffer = new byte[count];
        await stream.ReadExactlyAsync(buffer);
        return Encoding.UTF8.GetString(buffer);
    }

    private static async Task<byte[]> ReadAllAsync(Stream stream, int chunk)
    {
        var all = new MemoryStream();
        var buffer = new byte[chunk];
        int read;
        while ((read = await stream.ReadAsync(buffer)) > 0)
        {
            all.Write(buffer, 0, read);
        }

        return all.ToArray();
    }

    /// <summary>Gives at most a few bytes per read, as a network would.</summary>
    private sealed class TrickleStream(byte[] content, int perRead) : MemoryStream(content)
    {
        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
            base.ReadAsync(buffer[..Math.Min(buffer.Length, perRead)], cancellationToken);
    }

    private sealed class CountingStream(byte[] content) : MemoryStream(content)
    {
        public int Reads { get; private set; }

        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            Reads++;
            return base.ReadAsync(buffer, cancellationToken);
        }
    }

    /// <summary>Fails the test's expectations if any read it gets could be cancelled, as that would poison Kestrel's body.</summary>
    private sealed class NoCancelledReadsStream(Stream inner) : Stream
    {
        public bool SawCancellableRead { get; private set; }

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            SawCancellableRead |= cancellationToken.CanBeCanceled;
            return inner.ReadAsync(buffer, cancellationToken);
        }

        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }

    private sealed class ThrowingStream : MemoryStream
    {
        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
            ValueTask.FromException<int>(new IOException("client reset"));
    }
}
