using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;
using Sluice.EndToEnd.Tests.Harness;

namespace Sluice.EndToEnd.Tests.Protocols.Support;

/// <summary>
/// An HTTPS client for the gateway's TLS listener that sends any host name as SNI while connecting to loopback,
/// trusts only the test CA, and records the certificate the server presented.
/// </summary>
internal sealed class TlsClient : IDisposable
{
    private readonly HttpClient _client;
    private readonly int _port;
    private string? _servedSubject;
    private SslPolicyErrors _servedErrors;

    public TlsClient(TestCertificates authority, int port, Version version)
    {
        _port = port;
        var ca = authority.Authority;
        var handler = new SocketsHttpHandler
        {
            UseProxy = false,
            AllowAutoRedirect = false,

            // Every host name resolves to the gateway, so the URI's host is what goes out as SNI and :authority.
            ConnectCallback = async (_, cancellationToken) =>
            {
                var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
                try
                {
                    await socket.ConnectAsync(new IPEndPoint(IPAddress.Loopback, port), cancellationToken);
                    return new NetworkStream(socket, ownsSocket: true);
                }
                catch
                {
                    socket.Dispose();
                    throw;
                }
            },
            SslOptions =
            {
                RemoteCertificateValidationCallback = (_, certificate, _, errors) =>
                {
                    if (certificate is null)
                    {
                        return false;
                    }

                    using var served = new X509Certificate2(certificate);
                    _servedSubject = served.Subject;
                    _servedErrors = errors;
                    using var chain = new X509Chain();
                    chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
                    chain.ChainPolicy.CustomTrustStore.Add(ca);
                    chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;

                    // The name must match the SNI host; the chain must end at the test CA.
                    return (errors & SslPolicyErrors.RemoteCertificateNameMismatch) == 0 && chain.Build(served);
                },
            },
        };
        _client = new HttpClient(handler)
        {
            DefaultRequestVersion = version,
            DefaultVersionPolicy = HttpVersionPolicy.RequestVersionExact,
            Timeout = TimeSpan.FromSeconds(30),
        };
    }

    public HttpClient Client => _client;

    /// <summary>The subject of the certificate the server presented on the last handshake.</summary>
    public string? ServedSubject => _servedSubject;

    public SslPolicyErrors ServedErrors => _servedErrors;

    public Uri Url(string host, string pathAndQuery) => new($"https://{host}:{_port}{pathAndQuery}");

    public void Dispose() => _client.Dispose();
}
