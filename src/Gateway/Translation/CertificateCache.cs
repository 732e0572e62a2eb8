using System.Collections.Concurrent;
using System.Diagnostics.CodeAnalysis;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Sluice.Gateway.Translation;

/// <summary>
/// Server certificates loaded from PEM files, reloaded when a file's modification time changes, so a rotated
/// certificate is served to new connections on the next snapshot without a restart.
/// </summary>
internal sealed class CertificateCache
{
    private readonly ConcurrentDictionary<(string Cert, string Key), (DateTime CertTime, DateTime KeyTime, X509Certificate2 Certificate)> _loaded = new();

    public bool TryLoad(string certPath, string keyPath, [NotNullWhen(true)] out X509Certificate2? certificate)
    {
        certificate = null;
        try
        {
            var certTime = File.GetLastWriteTimeUtc(certPath);
            var keyTime = File.GetLastWriteTimeUtc(keyPath);
            if (_loaded.TryGetValue((certPath, keyPath), out var cached) && cached.CertTime == certTime && cached.KeyTime == keyTime)
            {
                certificate = cached.Certificate;
                return true;
            }

            certificate = Load(certPath, keyPath);
            _loaded[(certPath, keyPath)] = (certTime, keyTime, certificate);
            return true;
        }
        catch (Exception ex) when (ex is IOException or CryptographicException or UnauthorizedAccessException or ArgumentException)
        {
            return false;
        }
    }

    /// <summary>Loads a PEM pair; the problem in words when it cannot be loaded.</summary>
    public static string? Problem(string certPath, string keyPath)
    {
        try
        {
            using var certificate = X509Certificate2.CreateFromPemFile(certPath, keyPath);
            return certificate.HasPrivateKey ? null : "the key does not belong to the certificate";
        }
        catch (Exception ex) when (ex is IOException or CryptographicException or UnauthorizedAccessException or ArgumentException)
        {
            return ex.Message;
        }
    }

    private static X509Certificate2 Load(string certPath, string keyPath)
    {
        using var pem = X509Certificate2.CreateFromPemFile(certPath, keyPath);

        // Round-trip through PKCS#12 so SslStream gets a key it can use on every platform.
        return X509CertificateLoader.LoadPkcs12(pem.Export(X509ContentType.Pkcs12), password: null);
    }
}
