using Sluice.Discovery.Graph;
using Sluice.Discovery.Model;
using Sluice.Discovery.Tls;
using Sluice.Discovery.Validation;
using Sluice.Gateway.Tls;
using Sluice.Gateway.Upstreams;

namespace Sluice.Gateway.Translation;

/// <summary>
/// Turns an Upstream's <c>sslConfig</c> into its <see cref="UpstreamTlsPolicy"/>, reading the client certificate and CA
/// from its Secret or files on every snapshot. The client certificate goes into the upstream's long-lived slot (new
/// connections present it at once); the trust settings go into the policy (a change builds a new pool). When the
/// material cannot be used the upstream keeps its last good policy (Warning); without one its requests get 503 with
/// the reason (Rejected), never a connection with weaker TLS than configured.
/// </summary>
internal sealed class UpstreamTlsCompiler(CertificateCache cache)
{
    public UpstreamTlsOutcome Compile(Upstream upstream, ResourceIndex index)
    {
        var ssl = upstream.Spec.SslConfig;
        if (ssl is null || ssl.SecretRef is null && ssl.SslFiles is null && ssl.VerifySubjectAltName.Count == 0 && ssl.Parameters is null)
        {
            // Nothing beyond SNI and insecureSkipVerify: the handler's defaults do.
            return new UpstreamTlsOutcome(null, null, Usable: true);
        }

        cache.Watch(ssl.SslFiles);
        string? problem = null;
        TlsMaterial? material = null;
        if (ssl.SecretRef is not null || ssl.SslFiles is not null)
        {
            var source = TlsSource.Read(ssl.SecretRef, ssl.SslFiles, upstream.Namespace, index, out problem);
            material = source is null ? null : cache.Parse(source, certificateRequired: false, out problem);
        }

        if (problem is null)
        {
            ClientCertificateSlot? slot = null;
            if (material?.Certificate is { } certificate)
            {
                slot = cache.Slot(upstream.Id);
                slot.Current = certificate;
            }

            var parameters = ssl.Parameters;
            var verifier = ssl.InsecureSkipVerify ? null : new PeerCertificateVerifier(material?.TrustedRoots, ssl.VerifySubjectAltName, checkHostName: true);
            var policy = new UpstreamTlsPolicy(
                slot,
                verifier,
                parameters is null ? TlsParameterNames.DefaultProtocols : TlsParameterNames.Protocols(parameters.MinimumProtocolVersion, parameters.MaximumProtocolVersion),
                parameters is { CipherSuites.Count: > 0 } ? TlsParameterNames.CipherSuites(parameters.CipherSuites) : null);
            cache.AcceptUpstreamPolicy(upstream.Id, policy);
            return new UpstreamTlsOutcome(policy, null, Usable: true);
        }

        var field = ssl.SecretRef is not null ? "sslConfig.secretRef" : "sslConfig.sslFiles";
        if (cache.LastGoodUpstreamPolicy(upstream.Id) is { } lastGood)
        {
            return new UpstreamTlsOutcome(lastGood, ResourceDiagnostics.Create(upstream, DiagnosticSeverity.Warning, field,
                $"{problem}; still using the TLS settings and client certificate loaded before until this is fixed"), Usable: true);
        }

        return new UpstreamTlsOutcome(null, ResourceDiagnostics.Create(upstream, DiagnosticSeverity.Error, field,
            $"{problem}; requests routed to this upstream get 503 until this is fixed"), Usable: false);
    }
}

/// <summary>An upstream's TLS policy (null: the defaults), what its status should say, and whether it can be used at all.</summary>
internal sealed record UpstreamTlsOutcome(UpstreamTlsPolicy? Policy, Diagnostic? Diagnostic, bool Usable);
