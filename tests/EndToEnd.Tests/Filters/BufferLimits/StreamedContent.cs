using System.Net.Http.Headers;

namespace Sluice.EndToEnd.Tests.Filters.BufferLimits;

/// <summary>A request body of unknown length (chunked on HTTP/1.1, no content-length on HTTP/2), written in pieces.</summary>
public sealed class StreamedContent : HttpContent
{
    private readonly byte[] _body;
    private readonly int _pieceSize;
    private readonly TimeSpan? _pause;

    public StreamedContent(byte[] body, int pieceSize, string contentType = "application/octet-stream", TimeSpan? pause = null)
    {
        _body = body;
        _pieceSize = pieceSize;
        _pause = pause;
        Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
    }

    /// <summary>How many bytes the gateway took before the request ended.</summary>
    public long BytesWritten { get; private set; }

    protected override async Task SerializeToStreamAsync(Stream stream, System.Net.TransportContext? context)
    {
        for (var offset = 0; offset < _body.Length; offset += _pieceSize)
        {
            var piece = _body.AsMemory(offset, Math.Min(_pieceSize, _body.Length - offset));
            await stream.WriteAsync(piece);
            await stream.FlushAsync();
            BytesWritten += piece.Length;
            if (_pause is { } pause)
            {
                await Task.Delay(pause);
            }
        }
    }

    protected override bool TryComputeLength(out long length)
    {
        length = -1;
        return false;
    }
}
