using Sluice.Discovery.Graph;
using Sluice.Discovery.Model;
using Sluice.Discovery.Tls;
using Sluice.Discovery.Validation;
using Sluice.Gateway.Listeners;

namespace Sluice.Gateway.Translation;

/// <summary>
/// Turns a virtual service's <c>sslConfig</c> into the TLS context its SNI names select, reading the certificate from
/// its Secret or files on every snapshot. A certificate that cannot be used never affects another virtual service:
/// the virtual service keeps its last good context (status Warning) or, without one, is not served and its SNI names
/// refuse the handshake (status Rejected) until the certificate is fixed.
/// </summary>
internal sealed class ServerTlsCompiler(CertificateCache cache)
{
    public ServerTlsOutcome Compile(VirtualService virtualService, ResourceIndex index)
    {
        var ssl = virtualService.Spec.SslConfig!;
        cache.Watch(ssl.SslFiles);
        var field = ssl.SecretRef is not null ? "sslConfig.secretRef" : "sslConfig.sslFiles";
        var source = TlsSource.Read(ssl.SecretRef, ssl.SslFiles, virtualService.Namespace, index, out var problem);
        var material = source is null ? null : cache.Parse(source, certificateRequired: true, out problem);
        ServerTlsSettings? settings = null;
        if (material is not null)
        {
            settings = Settings(ssl, material, out problem);
        }

        if (problem is null)
        {
            return new ServerTlsOutcome(cache.ServerContext(virtualService.Id, material!, settings!), null);
        }

        var names = ssl.SniDomains.Count > 0 ? ssl.SniDomains : virtualService.Spec.VirtualHost.EffectiveDomains;
        if (cache.LastGoodServerContext(virtualService.Id) is { } lastGood)
        {
            return new ServerTlsOutcome(lastGood, ResourceDiagnostics.Create(virtualService, DiagnosticSeverity.Warning, field,
                $"{problem}; still serving the certificate loaded before ('{lastGood.Certificate.Subject}', valid until {lastGood.Certificate.NotAfter.ToUniversalTime():yyyy-MM-dd HH:mm} UTC) until this is fixed"));
        }

        return new ServerTlsOutcome(null, ResourceDiagnostics.Create(virtualService, DiagnosticSeverity.Error, field,
            $"{problem}; this virtual service has no usable certificate, so it is not served and TLS handshakes for {string.Join(", ", names)} are refused until this is fixed (other virtual services on the listener keep serving)"));
    }

    private static ServerTlsSettings? Settings(SslConfig ssl, TlsMaterial material, out string? problem)
    {
        problem = null;
        var verifyClients = ssl.OneWayTls != true && material.TrustedRoots is not null;
        if (!verifyClients && ssl.VerifySubjectAltName.Count > 0 && ssl.OneWayTls != true)
        {
            // Failing closed: serving without the client check the user asked for would let anyone in.
            problem = "verifySubjectAltName is set but there is no root CA (sslFiles.rootCa or the Secret's ca.crt) to verify client certificates with";
            return null;
        }

        var parameters = ssl.Parameters;
        return new ServerTlsSettings(
            parameters is null ? TlsParameterNames.DefaultProtocols : TlsParameterNames.Protocols(parameters.MinimumProtocolVersion, parameters.MaximumProtocolVersion),
            parameters is { CipherSuites.Count: > 0 } ? TlsParameterNames.CipherSuites(parameters.CipherSuites) : null,
            ssl.AlpnProtocols,
            verifyClients ? material.TrustedRoots : null,
            verifyClients ? ssl.VerifySubjectAltName : []);
    }
}

/// <summary>A virtual service's TLS context (null: not served) and what its status should say about it.</summary>
internal sealed record ServerTlsOutcome(ServerTlsContext? Context, Diagnostic? Diagnostic);
