using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;

namespace Sluice.Discovery.Tls;

/// <summary>
/// Parsed certificates from a <see cref="TlsSource"/>: a certificate with its private key and the intermediates that
/// followed it in the PEM, and the trusted roots. Immutable once built; replaced when the source's bytes change.
/// </summary>
public sealed class TlsMaterial
{
    private TlsMaterial(string digest, X509Certificate2? certificate, X509Certificate2Collection intermediates, X509Certificate2Collection? roots)
    {
        Digest = digest;
        Certificate = certificate;
        Intermediates = intermediates;
        TrustedRoots = roots;
    }

    /// <summary>The digest of the bytes this was parsed from (<see cref="TlsSource.Digest"/>).</summary>
    public string Digest { get; }

    /// <summary>The leaf certificate with its private key; null when the source has none.</summary>
    public X509Certificate2? Certificate { get; }

    public X509Certificate2Collection Intermediates { get; }

    /// <summary>The CA bundle peers must chain to; null when the source has none.</summary>
    public X509Certificate2Collection? TrustedRoots { get; }

    /// <summary>Parses the source; the problem in words (never key material) when it cannot be used.</summary>
    public static TlsMaterial? Parse(TlsSource source, bool certificateRequired, out string? problem)
    {
        problem = null;
        X509Certificate2? certificate = null;
        var intermediates = new X509Certificate2Collection();
        if (source.Certificate is not null || source.Key is not null || certificateRequired)
        {
            if (source.Certificate is null || source.Key is null)
            {
                problem = $"{source.Description}: {(source.Certificate is null ? "the certificate (tls.crt / tlsCert)" : "the private key (tls.key / tlsKey)")} is missing";
                return null;
            }

            try
            {
                var certificatePem = Encoding.UTF8.GetString(source.Certificate);
                using var pem = X509Certificate2.CreateFromPem(certificatePem, Encoding.UTF8.GetString(source.Key));

                // Round-trip through PKCS#12 so SslStream gets a key it can use on every platform.
                certificate = X509CertificateLoader.LoadPkcs12(pem.Export(X509ContentType.Pkcs12), password: null);
                var all = new X509Certificate2Collection();
                all.ImportFromPem(certificatePem);
                for (var i = 1; i < all.Count; i++)
                {
                    intermediates.Add(all[i]);
                }
            }
            catch (CryptographicException ex)
            {
                problem = $"{source.Description}: the certificate and key cannot be used ({ex.Message})";
                return null;
            }
        }

        X509Certificate2Collection? roots = null;
        if (source.RootCa is not null)
        {
            roots = [];
            try
            {
                roots.ImportFromPem(Encoding.UTF8.GetString(source.RootCa));
            }
            catch (CryptographicException ex)
            {
                problem = $"{source.Description}: the root CA bundle (ca.crt / rootCa) cannot be read ({ex.Message})";
                return null;
            }

            if (roots.Count == 0)
            {
                problem = $"{source.Description}: the root CA bundle (ca.crt / rootCa) holds no PEM certificate";
                return null;
            }
        }

        return new TlsMaterial(source.Digest, certificate, intermediates, roots);
    }
}
