using System.Net.Security;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;

namespace Sluice.Gateway.Tls;

/// <summary>
/// Verifies the certificate a TLS peer presented: a client's, on a listener with a root CA, or an upstream's. With a
/// root CA the chain must end at one of its certificates and nowhere else (<see cref="X509ChainTrustMode.CustomRootTrust"/>:
/// the machine's trust store plays no part); without one the platform's trust and host name check apply. Validity
/// dates always count; revocation is not checked (no CRL or OCSP fetches on the handshake path, as Envoy without
/// a configured CRL). When SANs are configured one of them must be on the certificate.
/// </summary>
internal sealed class PeerCertificateVerifier
{
    private readonly X509Certificate2Collection? _roots;
    private readonly IReadOnlyList<string> _subjectAltNames;
    private readonly bool _checkHostName;

    /// <param name="roots">The only trusted roots; null for the platform's trust store.</param>
    /// <param name="checkHostName">Check the name the client asked for (upstreams only, when no SANs are configured).</param>
    public PeerCertificateVerifier(X509Certificate2Collection? roots, IReadOnlyList<string> subjectAltNames, bool checkHostName)
    {
        _roots = roots;
        _subjectAltNames = subjectAltNames;
        _checkHostName = checkHostName && subjectAltNames.Count == 0;
        var thumbprints = roots is null ? "system" : string.Join(",", roots.Select(r => r.Thumbprint).Order(StringComparer.Ordinal));
        Key = $"{thumbprints}|{string.Join(",", subjectAltNames)}|{_checkHostName}";
    }

    /// <summary>Equal keys verify identically: used to compare trust settings across snapshots.</summary>
    public string Key { get; }

    /// <summary>Why the last certificate this verifier refused was refused, for tests and messages.</summary>
    public string? Verify(X509Certificate? presented, X509Chain? presentedChain, SslPolicyErrors errors, string? hostName)
    {
        if (presented is null)
        {
            return "no certificate was presented";
        }

        var certificate = presented as X509Certificate2 ?? new X509Certificate2(presented);
        if (_roots is null)
        {
            var relevant = _checkHostName ? errors : errors & ~SslPolicyErrors.RemoteCertificateNameMismatch;
            if (relevant != SslPolicyErrors.None)
            {
                return $"the certificate '{certificate.Subject}' is not trusted ({relevant})";
            }
        }
        else
        {
            using var chain = new X509Chain();
            chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
            chain.ChainPolicy.CustomTrustStore.AddRange(_roots);
            chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
            if (presentedChain is not null)
            {
                chain.ChainPolicy.ExtraStore.AddRange(presentedChain.ChainPolicy.ExtraStore);
            }

            if (!chain.Build(certificate))
            {
                return $"the certificate '{certificate.Subject}' {Describe(chain)}";
            }

            if (_checkHostName && hostName is { Length: > 0 } && !certificate.MatchesHostname(hostName))
            {
                return $"the certificate '{certificate.Subject}' is not valid for '{hostName}' (SANs: {SubjectAltNames.Read(certificate)})";
            }
        }

        if (_subjectAltNames.Count > 0)
        {
            var names = SubjectAltNames.Read(certificate);
            if (!names.MatchesAny(_subjectAltNames))
            {
                return $"the certificate '{certificate.Subject}' has none of the required subject alternative names [{string.Join(", ", _subjectAltNames)}] (it has {names})";
            }
        }

        return null;
    }

    /// <summary>Verifies and throws on refusal, so the reason travels with the handshake's exception.</summary>
    public bool VerifyOrThrow(X509Certificate? presented, X509Chain? presentedChain, SslPolicyErrors errors, string? hostName)
    {
        if (Verify(presented, presentedChain, errors, hostName) is { } failure)
        {
            throw new AuthenticationException(failure);
        }

        return true;
    }

    private static string Describe(X509Chain chain)
    {
        var flags = X509ChainStatusFlags.NoError;
        foreach (var status in chain.ChainStatus)
        {
            flags |= status.Status;
        }

        if ((flags & X509ChainStatusFlags.NotTimeValid) != 0)
        {
            return "is expired or not yet valid";
        }

        if ((flags & (X509ChainStatusFlags.UntrustedRoot | X509ChainStatusFlags.PartialChain)) != 0)
        {
            return "is not issued by the configured root CA";
        }

        return $"failed verification ({flags})";
    }
}
