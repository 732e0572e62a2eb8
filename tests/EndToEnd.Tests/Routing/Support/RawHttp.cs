using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Sluice.EndToEnd.Tests.Routing.Support;

/// <summary>What came back on the wire for one raw request.</summary>
internal sealed record RawReply(int Status, IReadOnlyDictionary<string, string> Headers, string Body);

/// <summary>
/// A tiny HTTP/1.1 client over a plain socket. HttpClient (and Uri) resolve dot segments and re-escape the
/// request target before sending, so tests of the gateway's own path handling must write the bytes themselves.
/// </summary>
internal static class RawHttp
{
    /// <summary>Sends <c>GET target HTTP/1.1</c> exactly as written, with <c>Connection: close</c>, and reads the answer.</summary>
    public static async Task<RawReply> GetAsync(int port, string target, string host = "127.0.0.1")
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        await socket.ConnectAsync(new IPEndPoint(IPAddress.Loopback, port), timeout.Token);
        await using var stream = new NetworkStream(socket, ownsSocket: false);
        var request = Encoding.Latin1.GetBytes($"GET {target} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n");
        await stream.WriteAsync(request, timeout.Token);

        using var received = new MemoryStream();
        await stream.CopyToAsync(received, timeout.Token);
        return Parse(received.ToArray());
    }

    /// <summary>
    /// Writes <paramref name="requests"/> (one or more pipelined requests, the last with <c>Connection: close</c>) on
    /// one connection and returns everything the server sent until it closed, as text.
    /// </summary>
    public static async Task<string> ExchangeAsync(int port, string requests)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        await socket.ConnectAsync(new IPEndPoint(IPAddress.Loopback, port), timeout.Token);
        await using var stream = new NetworkStream(socket, ownsSocket: false);
        await stream.WriteAsync(Encoding.Latin1.GetBytes(requests), timeout.Token);
        using var received = new MemoryStream();
        await stream.CopyToAsync(received, timeout.Token);
        return Encoding.Latin1.GetString(received.ToArray());
    }

    private static RawReply Parse(byte[] bytes)
    {
        var text = Encoding.Latin1.GetString(bytes);
        var headerEnd = text.IndexOf("\r\n\r\n", StringComparison.Ordinal);
        Assert.True(headerEnd > 0, $"no complete response head in: {text}");
        var lines = text[..headerEnd].Split("\r\n");
        var statusParts = lines[0].Split(' ', 3);
        Assert.StartsWith("HTTP/1.1", statusParts[0], StringComparison.Ordinal);
        var status = int.Parse(statusParts[1], CultureInfo.InvariantCulture);

        var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var line in lines.Skip(1))
        {
            var colon = line.IndexOf(':', StringComparison.Ordinal);
            headers[line[..colon].Trim()] = line[(colon + 1)..].Trim();
        }

        var body = text[(headerEnd + 4)..];
        if (headers.TryGetValue("Transfer-Encoding", out var encoding) && encoding.Contains("chunked", StringComparison.OrdinalIgnoreCase))
        {
            body = Dechunk(body);
        }

        return new RawReply(status, headers, Encoding.UTF8.GetString(Encoding.Latin1.GetBytes(body)));
    }

    private static string Dechunk(string chunked)
    {
        var result = new StringBuilder();
        var position = 0;
        while (true)
        {
            var lineEnd = chunked.IndexOf("\r\n", position, StringComparison.Ordinal);
            var sizeText = chunked[position..lineEnd].Split(';')[0];
            var size = int.Parse(sizeText, NumberStyles.HexNumber, CultureInfo.InvariantCulture);
            if (size == 0)
            {
                return result.ToString();
            }

            result.Append(chunked, lineEnd + 2, size);
            position = lineEnd + 2 + size + 2;
        }
    }
}
