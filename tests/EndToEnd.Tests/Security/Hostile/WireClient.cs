using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Sluice.EndToEnd.Tests.Security.Hostile;

/// <summary>
/// Sends bytes exactly as written (no client library fixes anything up) and reads what comes back until the server
/// closes the connection or goes quiet: the way hostile requests reach a gateway on the internet.
/// </summary>
public static class WireClient
{
    /// <param name="stopAfterFirstResponse">Return as soon as one whole response (head and Content-Length body) has
    /// arrived; otherwise read until the server closes or stays quiet for <paramref name="quiet"/>.</param>
    public static async Task<RawExchange> SendAsync(int port, string request, TimeSpan? quiet = null, TimeSpan? sendPause = null, bool stopAfterFirstResponse = true)
    {
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        await socket.ConnectAsync(IPAddress.Loopback, port);
        var bytes = Encoding.Latin1.GetBytes(request);
        if (sendPause is { } pause)
        {
            // Byte by byte with a pause: a slow client (slowloris), which the header timeout must cut off.
            foreach (var b in bytes)
            {
                try
                {
                    await socket.SendAsync(new[] { b }, SocketFlags.None);
                }
                catch (SocketException)
                {
                    break;
                }

                await Task.Delay(pause);
            }
        }
        else
        {
            await socket.SendAsync(bytes, SocketFlags.None);
        }

        var received = new MemoryStream();
        var buffer = new byte[16 * 1024];
        var closed = false;
        var idle = quiet ?? TimeSpan.FromMilliseconds(1500);
        while (true)
        {
            using var timeout = new CancellationTokenSource(idle);
            int read;
            try
            {
                read = await socket.ReceiveAsync(buffer, SocketFlags.None, timeout.Token);
            }
            catch (OperationCanceledException)
            {
                break;
            }
            catch (SocketException)
            {
                closed = true;
                break;
            }

            if (read == 0)
            {
                closed = true;
                break;
            }

            received.Write(buffer, 0, read);
            if (stopAfterFirstResponse && HasCompleteResponse(received))
            {
                break;
            }
        }

        return new RawExchange(Encoding.Latin1.GetString(received.ToArray()), closed);
    }

    private static bool HasCompleteResponse(MemoryStream received)
    {
        var text = Encoding.Latin1.GetString(received.GetBuffer(), 0, (int)received.Length);
        var headEnd = text.IndexOf("\r\n\r\n", StringComparison.Ordinal);
        if (headEnd < 0)
        {
            return false;
        }

        var lengthAt = text.IndexOf("\r\nContent-Length: ", 0, headEnd, StringComparison.OrdinalIgnoreCase);
        if (lengthAt < 0)
        {
            // No length: the body (if any) runs to the close, or the response is chunked; keep reading.
            return text.Contains("\r\nTransfer-Encoding: chunked", StringComparison.OrdinalIgnoreCase) ? text.EndsWith("0\r\n\r\n", StringComparison.Ordinal) : false;
        }

        var valueStart = lengthAt + "\r\nContent-Length: ".Length;
        var valueEnd = text.IndexOf("\r\n", valueStart, StringComparison.Ordinal);
        return int.TryParse(text.AsSpan(valueStart, valueEnd - valueStart), out var length) && text.Length - (headEnd + 4) >= length;
    }
}

/// <summary>What came back: every response's status in order, and whether the server closed the connection.</summary>
public sealed record RawExchange(string Text, bool Closed)
{
    public IReadOnlyList<int> Statuses
    {
        get
        {
            var statuses = new List<int>();
            var at = 0;
            while ((at = Text.IndexOf("HTTP/1.1 ", at, StringComparison.Ordinal)) >= 0)
            {
                // Only status lines: at the start of the text or right after a blank line or a body.
                if (at + 12 <= Text.Length && int.TryParse(Text.AsSpan(at + 9, 3), out var status) && (at == 0 || Text[at - 1] == '\n' || Text[at - 1] == '}'))
                {
                    statuses.Add(status);
                }

                at += 9;
            }

            return statuses;
        }
    }

    public override string ToString() => $"closed={Closed}\n{Text}";
}
