using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using Sluice.EndToEnd.Tests.Harness;

namespace Sluice.EndToEnd.Tests.Security.Support;

/// <summary>What one TLS connection to the gateway saw: whether the handshake held, the certificate, protocol, ALPN and an HTTP/1.1 answer.</summary>
internal sealed record TlsOutcome(bool Connected, string? Error, X509Certificate2? Served, SslProtocols Protocol, string Alpn, TlsCipherSuite Cipher, int Status, string Body)
{
    public string? ServedSubject => Served?.Subject;

    public string? ServedSerial => Served?.SerialNumber;
}

/// <summary>
/// Opens one TLS connection to a loopback port with any SNI, optionally presenting a client certificate, and sends one
/// HTTP/1.1 request on it. With TLS 1.3 a server that refuses the client certificate says so after the handshake, so a
/// connection only counts as accepted when the request got an answer.
/// </summary>
internal static class TlsProbe
{
    public static async Task<TlsOutcome> GetAsync(
        int port,
        string serverName,
        string path = "/",
        string? host = null,
        X509Certificate2? clientCertificate = null,
        SslProtocols protocols = SslProtocols.None,
        IReadOnlyList<string>? alpn = null,
        TestCertificates? trust = null,
        params (string Name, string Value)[] headers)
    {
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        await socket.ConnectAsync(new IPEndPoint(IPAddress.Loopback, port));
        await using var stream = new SslStream(new NetworkStream(socket, ownsSocket: false));
        X509Certificate2? served = null;
        var options = new SslClientAuthenticationOptions
        {
            TargetHost = serverName,
            EnabledSslProtocols = protocols,
            ApplicationProtocols = alpn is null ? [SslApplicationProtocol.Http11] : [.. alpn.Select(a => new SslApplicationProtocol(a))],
            ClientCertificates = clientCertificate is null ? null : [clientCertificate],
            LocalCertificateSelectionCallback = clientCertificate is null ? null : (_, _, _, _, _) => clientCertificate,
            RemoteCertificateValidationCallback = (_, certificate, _, _) =>
            {
                served = certificate is null ? null : new X509Certificate2(certificate);
                return trust is null || served is null || Chains(served, trust);
            },
        };

        try
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            await stream.AuthenticateAsClientAsync(options, timeout.Token);
        }
        catch (Exception ex) when (ex is AuthenticationException or IOException or OperationCanceledException)
        {
            return new TlsOutcome(false, ex.Message, served, SslProtocols.None, string.Empty, default, 0, string.Empty);
        }

        var protocol = stream.SslProtocol;
        var negotiated = stream.NegotiatedApplicationProtocol.ToString();
        var cipher = stream.NegotiatedCipherSuite;
        if (negotiated == "h2")
        {
            // HTTP/2 was chosen: the handshake is the answer; no HTTP/1.1 request on it.
            return new TlsOutcome(true, null, served, protocol, negotiated, cipher, 0, string.Empty);
        }

        try
        {
            var request = new StringBuilder()
                .Append("GET ").Append(path).Append(" HTTP/1.1\r\n")
                .Append("Host: ").Append(host ?? serverName).Append("\r\n")
                .Append("Connection: close\r\n");
            foreach (var (name, value) in headers)
            {
                request.Append(name).Append(": ").Append(value).Append("\r\n");
            }

            await stream.WriteAsync(Encoding.ASCII.GetBytes(request.Append("\r\n").ToString()));
            using var reader = new StreamReader(stream, Encoding.UTF8);
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            var text = await reader.ReadToEndAsync(timeout.Token);
            if (text.Length == 0)
            {
                return new TlsOutcome(false, "the server closed the connection without answering", served, protocol, negotiated, cipher, 0, string.Empty);
            }

            var status = int.Parse(text.AsSpan(9, 3), provider: System.Globalization.CultureInfo.InvariantCulture);
            var bodyStart = text.IndexOf("\r\n\r\n", StringComparison.Ordinal);
            return new TlsOutcome(true, null, served, protocol, negotiated, cipher, status, bodyStart < 0 ? string.Empty : Dechunk(text, bodyStart + 4));
        }
        catch (Exception ex) when (ex is AuthenticationException or IOException or OperationCanceledException)
        {
            // TLS 1.3: the server's refusal of our certificate arrives as an alert after the handshake.
            return new TlsOutcome(false, ex.Message, served, protocol, negotiated, cipher, 0, string.Empty);
        }
    }

    /// <summary>Polls until <paramref name="condition"/> holds for a fresh connection, or fails after 10 seconds.</summary>
    public static async Task<TlsOutcome> EventuallyAsync(Func<Task<TlsOutcome>> probe, Func<TlsOutcome, bool> condition, string what)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        TlsOutcome last;
        do
        {
            last = await probe();
            if (condition(last))
            {
                return last;
            }

            await Task.Delay(50);
        }
        while (DateTime.UtcNow < deadline);

        Assert.Fail($"{what}: still not seen after 10 s; last outcome {last}");
        return last;
    }

    private static bool Chains(X509Certificate2 certificate, TestCertificates trust)
    {
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.Add(trust.Authority);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        return chain.Build(certificate);
    }

    private static string Dechunk(string text, int bodyStart)
    {
        var headers = text[..bodyStart];
        var body = text[bodyStart..];
        if (!headers.Contains("transfer-encoding: chunked", StringComparison.OrdinalIgnoreCase))
        {
            return body;
        }

        var result = new StringBuilder();
        var position = 0;
        while (position < body.Length)
        {
            var lineEnd = body.IndexOf("\r\n", position, StringComparison.Ordinal);
            if (lineEnd < 0)
            {
                break;
            }

            var size = Convert.ToInt32(body[position..lineEnd].Split(';')[0], 16);
            if (size == 0)
            {
                break;
            }

            result.Append(body, lineEnd + 2, size);
            position = lineEnd + 2 + size + 2;
        }

        return result.ToString();
    }
}
