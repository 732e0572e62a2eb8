using System.Net;

namespace Sluice.Gateway.Admission;

/// <summary>Where the admission webhook listens and the PEM files of its certificate (reloaded when they change).</summary>
internal sealed record WebhookOptions(IPEndPoint Endpoint, string CertificatePath, string KeyPath)
{
    /// <summary>The path the ValidatingWebhookConfiguration in deploy/ calls; a test keeps the two equal.</summary>
    public const string ValidatePath = "/validate";
}
