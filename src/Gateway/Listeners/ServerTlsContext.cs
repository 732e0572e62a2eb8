using System.Net.Security;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;
using Sluice.Gateway.Tls;

namespace Sluice.Gateway.Listeners;

/// <summary>
/// One virtual service's server TLS, built once per certificate and settings and shared by every handshake that SNI
/// sends to it: the certificate with its cached chain context, protocol versions, cipher suites, ALPN and, with a
/// root CA, the client certificate requirement. The handshake options object is built once and reused (Kestrel
/// leaves options with ALPN set untouched), so a handshake allocates nothing here.
/// </summary>
internal sealed class ServerTlsContext
{
    private static readonly List<SslApplicationProtocol> DefaultAlpn = [SslApplicationProtocol.Http2, SslApplicationProtocol.Http11];

    public ServerTlsContext(string virtualService, X509Certificate2 certificate, X509Certificate2Collection intermediates, ServerTlsSettings settings)
    {
        VirtualService = virtualService;
        Certificate = certificate;
        Settings = settings;
        ClientVerifier = settings.ClientRoots is { } roots ? new PeerCertificateVerifier(roots, settings.VerifySubjectAltName, checkHostName: false) : null;
        Options = new SslServerAuthenticationOptions
        {
            // offline: the chain is built from what we were given, never fetched on a handshake.
            ServerCertificateContext = SslStreamCertificateContext.Create(certificate, intermediates, offline: true),
            ApplicationProtocols = settings.Alpn.Count == 0 ? DefaultAlpn : [.. settings.Alpn.Select(p => p == "h2" ? SslApplicationProtocol.Http2 : SslApplicationProtocol.Http11)],
            EnabledSslProtocols = settings.Protocols,
            CipherSuitesPolicy = settings.CipherSuites is { } suites && !OperatingSystem.IsWindows() ? new CipherSuitesPolicy(suites) : null,
            ClientCertificateRequired = ClientVerifier is not null,
            CertificateRevocationCheckMode = X509RevocationMode.NoCheck,
            RemoteCertificateValidationCallback = ClientVerifier is null ? null : VerifyClient,
            AllowRenegotiation = false,
        };
        VerificationKey = ClientVerifier?.Key;
    }

    public string VirtualService { get; }

    public X509Certificate2 Certificate { get; }

    public ServerTlsSettings Settings { get; }

    public SslServerAuthenticationOptions Options { get; }

    /// <summary>Set when client certificates are required and verified.</summary>
    public PeerCertificateVerifier? ClientVerifier { get; }

    /// <summary>
    /// What a client certificate was verified against; null when none is required. A request may only reach a virtual
    /// service that requires client certificates over a connection verified with the same key.
    /// </summary>
    public string? VerificationKey { get; }

    private bool VerifyClient(object sender, X509Certificate? certificate, X509Chain? chain, SslPolicyErrors errors) =>
        ClientVerifier!.Verify(certificate, chain, errors, hostName: null) is null;
}

/// <summary>Everything besides the certificate that shapes a <see cref="ServerTlsContext"/>; equal settings share one.</summary>
internal sealed record ServerTlsSettings(
    SslProtocols Protocols,
    IReadOnlyList<TlsCipherSuite>? CipherSuites,
    IReadOnlyList<string> Alpn,
    X509Certificate2Collection? ClientRoots,
    IReadOnlyList<string> VerifySubjectAltName)
{
    /// <summary>Compares lists by content: a record's default would compare references, and every snapshot builds new lists.</summary>
    public string Key { get; } = string.Join("|",
        Protocols,
        CipherSuites is null ? "-" : string.Join(",", CipherSuites),
        string.Join(",", Alpn),
        ClientRoots is null ? "-" : string.Join(",", ClientRoots.Select(r => r.Thumbprint)),
        string.Join(",", VerifySubjectAltName));
}
