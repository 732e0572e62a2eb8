using System.Globalization;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Sluice.Discovery.Model;
using Sluice.Discovery.Snapshots;
using Sluice.Gateway.Configuration;

namespace Sluice.Gateway.Inspection;

/// <summary>One problem <c>sluice check</c> found.</summary>
/// <param name="Severity"><c>error</c> or <c>warning</c>.</param>
/// <param name="Check">What was checked: <c>rejected</c>, <c>warning</c>, <c>file</c>, <c>no-endpoints</c>,
/// <c>no-healthy-endpoint</c>, <c>certificate-expiring</c>, <c>certificate-expired</c>, <c>certificate-unreadable</c>.</param>
/// <param name="Subject">The resource or file concerned (<c>VirtualService default/shop</c>).</param>
internal sealed record CheckProblem(string Severity, string Check, string Subject, string Detail)
{
    /// <summary>One line, fields separated by single spaces and the detail after <c>": "</c>, for grep and awk.</summary>
    public override string ToString() => $"{Severity} {Check} {Subject}: {Detail}";
}

/// <summary>What <c>sluice check</c> looked at and what it found.</summary>
internal sealed record CheckReport(int Resources, int Upstreams, int Certificates, bool LiveHealth, IReadOnlyList<CheckProblem> Problems);

/// <summary>
/// <c>sluice check</c>: a health summary for CI and cron. Problems are rejected resources and resources with warnings
/// (glooctl check counts both), files that could not be read, upstreams without a healthy endpoint (online: live
/// health; offline: upstreams with no endpoints at all), and server certificates that expire within the window.
/// </summary>
internal static class HealthSummary
{
    public static CheckReport Check(CompiledConfig config, bool liveHealth, TimeSpan expiryWindow, DateTimeOffset now)
    {
        var problems = new List<CheckProblem>();
        foreach (var diagnostic in config.Source.FileDiagnostics)
        {
            problems.Add(new CheckProblem(diagnostic.IsError ? "error" : "warning", "file", diagnostic.File,
                $"{diagnostic.File}:{diagnostic.Position.Line}:{diagnostic.Position.Column}: {diagnostic.Message}"));
        }

        foreach (var status in config.Source.Statuses.OrderBy(s => s.Id.ToString(), StringComparer.Ordinal))
        {
            if (status.State == ResourceState.Accepted)
            {
                continue;
            }

            var rejected = status.State == ResourceState.Rejected;
            var suffix = status.ServingLastGood ? " (its last accepted version keeps serving)" : string.Empty;
            foreach (var reason in ResourceListing.Reasons(status.Reasons).Where(r => !rejected || r.Severity == "error"))
            {
                problems.Add(new CheckProblem(rejected ? "error" : "warning", rejected ? "rejected" : "warning", status.Id.ToString(), reason + suffix));
            }
        }

        foreach (var cluster in config.Clusters.Values.OrderBy(c => c.Name, StringComparer.Ordinal))
        {
            if (cluster.Endpoints.Length == 0)
            {
                problems.Add(new CheckProblem("error", "no-endpoints", $"Upstream {cluster.Name}", "the upstream has no endpoints; requests routed to it get 503"));
                continue;
            }

            if (!liveHealth)
            {
                continue;
            }

            var serving = cluster.Endpoints.Count(e => EndpointHealth.IsServing(cluster, e));
            if (serving == 0)
            {
                var states = string.Join(", ", cluster.Endpoints.Select(e => $"{e.Address} {EndpointHealth.Describe(cluster, e)}"));
                problems.Add(new CheckProblem("error", "no-healthy-endpoint", $"Upstream {cluster.Name}", $"0 of {cluster.Endpoints.Length} endpoints healthy: {states}"));
            }
        }

        var certificates = 0;
        foreach (var virtualService in config.Source.Effective.VirtualServices)
        {
            if (virtualService.Spec.SslConfig?.SslFiles is not { TlsCert: { } certPath })
            {
                continue;
            }

            certificates++;
            string? pem = null;
            try
            {
                pem = File.ReadAllText(certPath);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or ArgumentException)
            {
                problems.Add(new CheckProblem("error", "certificate-unreadable", virtualService.Id.ToString(), $"{certPath}: {ex.Message}"));
            }

            if (pem is not null)
            {
                CheckCertificate(problems, virtualService.Id.ToString(), certPath, pem, expiryWindow, now);
            }
        }

        // TLS Secrets (kubernetes.io/tls) hold certificates too; only the public certificate is read, never the key.
        foreach (var secret in config.Source.Effective.All.OfType<Secret>())
        {
            if (secret.Spec.Type == SecretSpec.TlsType && secret.Spec.TryGetString(SecretSpec.TlsCertificateKey, out var pem))
            {
                certificates++;
                CheckCertificate(problems, secret.Id.ToString(), SecretSpec.TlsCertificateKey, pem, expiryWindow, now);
            }
        }

        return new CheckReport(config.Source.Statuses.Count, config.Clusters.Count, certificates, liveHealth, problems);
    }

    private static void CheckCertificate(List<CheckProblem> problems, string subject, string where, string pem, TimeSpan expiryWindow, DateTimeOffset now)
    {
        try
        {
            using var certificate = LoadFirstCertificate(pem);
            var notAfter = new DateTimeOffset(certificate.NotAfter.ToUniversalTime(), TimeSpan.Zero);
            var expiry = notAfter.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture);
            if (notAfter <= now)
            {
                problems.Add(new CheckProblem("error", "certificate-expired", subject, $"{where} ({certificate.Subject}) expired at {expiry}"));
            }
            else if (notAfter - now <= expiryWindow)
            {
                problems.Add(new CheckProblem("error", "certificate-expiring", subject,
                    $"{where} ({certificate.Subject}) expires at {expiry}, in {(notAfter - now).TotalDays.ToString("F1", CultureInfo.InvariantCulture)} days"));
            }
        }
        catch (Exception ex) when (ex is CryptographicException or FormatException)
        {
            problems.Add(new CheckProblem("error", "certificate-unreadable", subject, $"{where}: {ex.Message}"));
        }
    }

    /// <summary>The leaf certificate of PEM text (the first CERTIFICATE block), without touching any key.</summary>
    private static X509Certificate2 LoadFirstCertificate(string pem)
    {
        var remaining = pem.AsSpan();
        while (PemEncoding.TryFind(remaining, out var fields))
        {
            if (remaining[fields.Label].SequenceEqual("CERTIFICATE"))
            {
                return X509CertificateLoader.LoadCertificate(Convert.FromBase64String(remaining[fields.Base64Data].ToString()));
            }

            remaining = remaining[fields.Location.End..];
        }

        throw new CryptographicException("the file holds no PEM CERTIFICATE block");
    }
}
