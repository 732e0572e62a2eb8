using System.Diagnostics.CodeAnalysis;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using Sluice.Discovery.Model;

namespace Sluice.Gateway.Translation;

/// <summary>
/// Server certificates loaded from <c>kubernetes.io/tls</c> Secrets, keyed by content, so an unchanged Secret is
/// not parsed again on every snapshot and a rotated one is served to new connections at once. Entries not used by
/// the latest translation are dropped. Called only from translation, which is serialized.
/// </summary>
internal sealed class SecretCertificateCache
{
    private Dictionary<string, X509Certificate2> _current = new(StringComparer.Ordinal);
    private Dictionary<string, X509Certificate2> _next = new(StringComparer.Ordinal);

    public bool TryLoad(Secret secret, [NotNullWhen(true)] out X509Certificate2? certificate)
    {
        certificate = null;
        if (!secret.Spec.TryGetString(SecretSpec.TlsCertificateKey, out var certPem) || !secret.Spec.TryGetString(SecretSpec.TlsPrivateKeyKey, out var keyPem))
        {
            return false;
        }

        var key = Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(certPem + "\n" + keyPem)));
        if (_next.TryGetValue(key, out certificate) || _current.TryGetValue(key, out certificate))
        {
            _next[key] = certificate;
            return true;
        }

        try
        {
            using var pem = X509Certificate2.CreateFromPem(certPem, keyPem);

            // Round-trip through PKCS#12 so SslStream gets a key it can use on every platform (as CertificateCache does).
            certificate = X509CertificateLoader.LoadPkcs12(pem.Export(X509ContentType.Pkcs12), password: null);
            _next[key] = certificate;
            return true;
        }
        catch (Exception ex) when (ex is CryptographicException or ArgumentException)
        {
            return false;
        }
    }

    /// <summary>Ends one translation: what it did not use is forgotten (connections holding it keep it alive).</summary>
    public void Commit()
    {
        (_current, _next) = (_next, _current);
        _next.Clear();
    }
}
