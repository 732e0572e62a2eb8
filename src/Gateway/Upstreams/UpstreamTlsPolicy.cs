using System.Net.Security;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;
using Sluice.Gateway.Tls;

namespace Sluice.Gateway.Upstreams;

/// <summary>
/// How the gateway speaks TLS to one upstream beyond the defaults: the client certificate it presents, the CA and
/// SANs the upstream's certificate must satisfy, versions and ciphers.
/// <para>
/// Why the client certificate is not set on the handler: a pool (one SocketsHttpHandler per distinct connection
/// settings in <c>UpstreamInvokerPool</c>) lives across snapshots so a reload never drops warm connections, the way
/// YARP reuses one HttpClient per cluster across metadata-only changes; and YARP itself can only set client
/// certificates in code, once, on the handler. A certificate baked into the handler would never rotate. So the
/// certificate lives in a <see cref="ClientCertificateSlot"/> that translation updates and the handler reads on every
/// new connection (<see cref="SslClientAuthenticationOptions.LocalCertificateSelectionCallback"/>): rotation needs no
/// new pool. Trust settings are different: they are part of this policy's equality, and so of the pool's key, so a
/// new CA, SAN list, version or cipher list builds a new pool and no connection verified under the old trust is reused.
/// </para>
/// </summary>
internal sealed class UpstreamTlsPolicy : IEquatable<UpstreamTlsPolicy>
{
    private readonly string _trustKey;

    public UpstreamTlsPolicy(ClientCertificateSlot? clientCertificate, PeerCertificateVerifier? verifier, SslProtocols protocols, IReadOnlyList<TlsCipherSuite>? cipherSuites)
    {
        ClientCertificate = clientCertificate;
        Verifier = verifier;
        Protocols = protocols;
        CipherSuites = cipherSuites;
        _trustKey = $"{verifier?.Key ?? "insecure"}|{protocols}|{(cipherSuites is null ? "-" : string.Join(",", cipherSuites))}";
    }

    public ClientCertificateSlot? ClientCertificate { get; }

    /// <summary>Null accepts any certificate (<c>insecureSkipVerify</c>).</summary>
    public PeerCertificateVerifier? Verifier { get; }

    public SslProtocols Protocols { get; }

    public IReadOnlyList<TlsCipherSuite>? CipherSuites { get; }

    public void Apply(SslClientAuthenticationOptions options)
    {
        options.EnabledSslProtocols = Protocols;
        options.CertificateRevocationCheckMode = X509RevocationMode.NoCheck;
        options.RemoteCertificateValidationCallback = Verifier is null ? static (_, _, _, _) => true : VerifyServer;
        if (CipherSuites is { } suites && !OperatingSystem.IsWindows())
        {
            options.CipherSuitesPolicy = new CipherSuitesPolicy(suites);
        }

        if (ClientCertificate is { } slot)
        {
            options.LocalCertificateSelectionCallback = slot.Select;

            // A resumed TLS session would carry the identity of the certificate it was made with; after a rotation
            // the upstream must see the new one on every new connection.
            options.AllowTlsResume = false;
        }
    }

    public bool Equals(UpstreamTlsPolicy? other) =>
        other is not null && ReferenceEquals(ClientCertificate, other.ClientCertificate) && _trustKey == other._trustKey;

    public override bool Equals(object? obj) => Equals(obj as UpstreamTlsPolicy);

    public override int GetHashCode() => HashCode.Combine(ClientCertificate, _trustKey);

    /// <summary>Throws with the reason, which the handshake's exception carries to the 503 the client gets.</summary>
    private bool VerifyServer(object sender, X509Certificate? certificate, X509Chain? chain, SslPolicyErrors errors) =>
        Verifier!.VerifyOrThrow(certificate, chain, errors, (sender as SslStream)?.TargetHostName);
}

/// <summary>
/// The client certificate one upstream presents, replaced in place when its file or Secret changes. Long-lived: the
/// same slot serves every snapshot of the upstream, so a rotation changes what new connections present without
/// touching the pool.
/// </summary>
internal sealed class ClientCertificateSlot
{
    private X509Certificate2? _current;

    public X509Certificate2? Current
    {
        get => Volatile.Read(ref _current);
        set => Volatile.Write(ref _current, value);
    }

    public X509Certificate Select(object sender, string targetHost, X509CertificateCollection localCertificates, X509Certificate? remoteCertificate, string[] acceptableIssuers) =>
        Current!;
}
