using System.Security.Cryptography.X509Certificates;
using Sluice.Gateway.Translation;

namespace Sluice.Gateway.Admission;

/// <summary>
/// The webhook's serving certificate, re-read when either PEM file changes (cert-manager or a Secret volume rotating
/// it). A pair that cannot be read mid-rotation leaves the last good certificate in use until it can.
/// </summary>
internal sealed class WebhookCertificate(WebhookOptions options)
{
    private readonly CertificateCache _cache = new();
    private X509Certificate2? _lastGood;

    public X509Certificate2? Current
    {
        get
        {
            if (_cache.TryLoad(options.CertificatePath, options.KeyPath, out var certificate))
            {
                Volatile.Write(ref _lastGood, certificate);
                return certificate;
            }

            return Volatile.Read(ref _lastGood);
        }
    }
}
