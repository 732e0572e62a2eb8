using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Sluice.EndToEnd.Tests.Harness;

/// <summary>Real certificates made in the test: a CA and leaf certificates it signs, written as PEM files.</summary>
public sealed class TestCertificates
{
    private readonly X509Certificate2 _ca;

    private TestCertificates(X509Certificate2 ca)
    {
        _ca = ca;
    }

    public X509Certificate2 Authority => _ca;

    public static TestCertificates CreateAuthority(string name = "Sluice Test CA")
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest($"CN={name}", key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        var ca = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-30), DateTimeOffset.UtcNow.AddYears(1));
        return new TestCertificates(ca);
    }

    /// <summary>Issues a server certificate for the names and writes <c>cert.pem</c>/<c>key.pem</c> into a new folder.</summary>
    public (string CertPath, string KeyPath, X509Certificate2 Certificate) IssueServer(string directory, params string[] dnsNames)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest($"CN={dnsNames[0]}", key, HashAlgorithmName.SHA256);
        var san = new SubjectAlternativeNameBuilder();
        foreach (var name in dnsNames)
        {
            san.AddDnsName(name);
        }

        request.CertificateExtensions.Add(san.Build());
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], false));
        var serial = RandomNumberGenerator.GetBytes(12);
        using var issued = request.Create(_ca, DateTimeOffset.UtcNow.AddHours(-1), DateTimeOffset.UtcNow.AddDays(30), serial);
        var certificate = issued.CopyWithPrivateKey(key);

        Directory.CreateDirectory(directory);
        var certPath = Path.Combine(directory, "cert.pem");
        var keyPath = Path.Combine(directory, "key.pem");
        File.WriteAllText(certPath, certificate.ExportCertificatePem());
        File.WriteAllText(keyPath, key.ExportPkcs8PrivateKeyPem());
        return (certPath, keyPath, certificate);
    }

    /// <summary>Writes the authority's certificate (no key) as PEM, as a <c>rootCa</c> file or a Secret's <c>ca.crt</c>.</summary>
    public string WriteAuthority(string path)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, _ca.ExportCertificatePem());
        return path;
    }

    /// <summary>The authority's certificate as PEM text.</summary>
    public string AuthorityPem => _ca.ExportCertificatePem();

    /// <summary>
    /// Issues a client certificate (clientAuth) with the given SANs and validity, written as <c>cert.pem</c>/<c>key.pem</c>
    /// into <paramref name="directory"/>; the returned certificate carries its private key.
    /// </summary>
    public IssuedCertificate IssueClient(string directory, string commonName, string[]? dnsNames = null, string[]? uris = null, DateTimeOffset? notBefore = null, DateTimeOffset? notAfter = null) =>
        Issue(directory, commonName, dnsNames ?? [], uris ?? [], "1.3.6.1.5.5.7.3.2", notBefore, notAfter);

    /// <summary>Issues a server certificate (serverAuth) with the given SANs and validity; see <see cref="IssueClient"/>.</summary>
    public IssuedCertificate IssueServerCertificate(string directory, string[] dnsNames, string[]? uris = null, DateTimeOffset? notBefore = null, DateTimeOffset? notAfter = null) =>
        Issue(directory, dnsNames[0], dnsNames, uris ?? [], "1.3.6.1.5.5.7.3.1", notBefore, notAfter);

    private IssuedCertificate Issue(string directory, string commonName, string[] dnsNames, string[] uris, string usage, DateTimeOffset? notBefore, DateTimeOffset? notAfter)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest($"CN={commonName}, O=Sluice Tests", key, HashAlgorithmName.SHA256);
        var san = new SubjectAlternativeNameBuilder();
        foreach (var name in dnsNames)
        {
            san.AddDnsName(name);
        }

        foreach (var uri in uris)
        {
            san.AddUri(new Uri(uri));
        }

        if (dnsNames.Length + uris.Length > 0)
        {
            request.CertificateExtensions.Add(san.Build());
        }

        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid(usage)], false));
        var from = notBefore ?? DateTimeOffset.UtcNow.AddHours(-1);
        var to = notAfter ?? DateTimeOffset.UtcNow.AddDays(30);
        using var issued = request.Create(_ca, from, to, RandomNumberGenerator.GetBytes(12));
        var certificate = issued.CopyWithPrivateKey(key);
        Directory.CreateDirectory(directory);
        var certPath = Path.Combine(directory, "cert.pem");
        var keyPath = Path.Combine(directory, "key.pem");
        var certPem = certificate.ExportCertificatePem();
        var keyPem = key.ExportPkcs8PrivateKeyPem();
        File.WriteAllText(certPath, certPem);
        File.WriteAllText(keyPath, keyPem);
        return new IssuedCertificate(certPath, keyPath, certPem, keyPem, X509CertificateLoader.LoadPkcs12(certificate.Export(X509ContentType.Pkcs12), null));
    }

    /// <summary>A client handler that trusts only this authority, for TLS requests to the gateway.</summary>
    public SocketsHttpHandler CreateTrustingHandler()
    {
        var ca = _ca;
        return new SocketsHttpHandler
        {
            UseProxy = false,
            AllowAutoRedirect = false,
            SslOptions =
            {
                RemoteCertificateValidationCallback = (_, certificate, _, _) =>
                {
                    if (certificate is null)
                    {
                        return false;
                    }

                    using var chain = new X509Chain();
                    chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
                    chain.ChainPolicy.CustomTrustStore.Add(ca);
                    chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
                    return chain.Build(new X509Certificate2(certificate));
                },
            },
        };
    }
}

/// <summary>A certificate issued in a test: its PEM files, their text, and the certificate with its private key.</summary>
public sealed record IssuedCertificate(string CertPath, string KeyPath, string CertPem, string KeyPem, X509Certificate2 Certificate);
