using System.Net;
using Sluice.Gateway.Admission;
using Sluice.Gateway.Translation;

namespace Sluice.Gateway.Cli;

/// <summary>Checks <c>--webhook-listen/--webhook-cert/--webhook-key</c> of <c>sluice run</c>: all three or none, and a certificate that loads if it is there.</summary>
internal static class WebhookArguments
{
    public static bool TryParse(string? listen, string? certificate, string? key, out WebhookOptions? options, out string? problem)
    {
        options = null;
        problem = null;
        if (listen is null && certificate is null && key is null)
        {
            return true;
        }

        if (listen is null || certificate is null || key is null)
        {
            problem = "--webhook-listen, --webhook-cert and --webhook-key go together: the API server calls webhooks only over HTTPS";
            return false;
        }

        if (!IPEndPoint.TryParse(listen.Replace("localhost", "127.0.0.1", StringComparison.Ordinal), out var endpoint) || endpoint.Port == 0)
        {
            problem = $"--webhook-listen: '{listen}' is not HOST:PORT (for example 0.0.0.0:9443)";
            return false;
        }

        // In a Pod the files come from a Secret volume that may be filled only after start (cert-manager issuing):
        // missing files mean "not yet" and the listener waits for them; files that exist but do not load are a mistake.
        if ((File.Exists(certificate) || File.Exists(key)) && CertificateCache.Problem(certificate, key) is { } unusable)
        {
            problem = $"--webhook-cert/--webhook-key: cannot use {certificate} with {key}: {unusable}";
            return false;
        }

        options = new WebhookOptions(endpoint, Path.GetFullPath(certificate), Path.GetFullPath(key));
        return true;
    }
}
