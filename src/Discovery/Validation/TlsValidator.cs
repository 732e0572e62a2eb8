using Sluice.Discovery.Model;
using Sluice.Discovery.Tls;

namespace Sluice.Discovery.Validation;

/// <summary>
/// Checks a virtual service's or an upstream's <c>sslConfig</c> on its own: one certificate source, known protocol
/// versions, cipher suites and ALPN names. Whether the certificates themselves load is decided at translation time,
/// per snapshot, because a file or Secret can break while the resource stays the same.
/// </summary>
internal static class TlsValidator
{
    public static void ValidateServer(SslConfig ssl, ResourceDiagnostics diagnostics)
    {
        const string Path = "sslConfig";
        ValidateSource(ssl.SecretRef, ssl.SslFiles, Path, requireCertificate: true, diagnostics);
        for (var i = 0; i < ssl.SniDomains.Count; i++)
        {
            if (DomainRules.Problem(ssl.SniDomains[i]) is { } problem)
            {
                diagnostics.Error($"{Path}.sniDomains[{i}]", problem);
            }
            else if (ssl.SniDomains[i].EndsWith('*') && ssl.SniDomains[i] != "*")
            {
                diagnostics.Error($"{Path}.sniDomains[{i}]", $"'{ssl.SniDomains[i]}': an SNI name may be exact or start with '*.', not end with '*'");
            }
        }

        ValidateSubjectAltNames(ssl.VerifySubjectAltName, Path, diagnostics);
        if (ssl.VerifySubjectAltName.Count > 0 && (ssl.OneWayTls == true || ssl.SslFiles?.RootCa is null && ssl.SecretRef is null))
        {
            diagnostics.Error($"{Path}.verifySubjectAltName", "verifySubjectAltName checks client certificates, which need a root CA (sslFiles.rootCa or the Secret's ca.crt) and oneWayTls off");
        }

        ValidateParameters(ssl.Parameters, Path, diagnostics);
        ValidateAlpn(ssl.AlpnProtocols, Path, diagnostics);
    }

    public static void ValidateUpstream(UpstreamSslConfig ssl, bool useHttp2, ResourceDiagnostics diagnostics)
    {
        const string Path = "sslConfig";
        if (ssl.SecretRef is not null || ssl.SslFiles is not null)
        {
            ValidateSource(ssl.SecretRef, ssl.SslFiles, Path, requireCertificate: false, diagnostics);
        }

        if (ssl.Sni is { Length: > 0 } sni && (sni.Contains('*') || DomainRules.Problem(sni) is not null))
        {
            diagnostics.Error($"{Path}.sni", $"'{sni}' is not a host name");
        }

        if (useHttp2 && ssl.Sni is { Length: > 0 })
        {
            diagnostics.Warning($"{Path}.sni", "with useHttp2 the SNI sent is the request's Host (a limitation of .NET's HTTP/2 client); sni is sent as configured only to HTTP/1.1 upstreams");
        }

        ValidateSubjectAltNames(ssl.VerifySubjectAltName, Path, diagnostics);
        if (ssl.InsecureSkipVerify && (ssl.VerifySubjectAltName.Count > 0 || ssl.SslFiles?.RootCa is not null))
        {
            diagnostics.Error($"{Path}.insecureSkipVerify", "insecureSkipVerify accepts any certificate, which contradicts rootCa / verifySubjectAltName; remove one");
        }

        ValidateParameters(ssl.Parameters, Path, diagnostics);
        ValidateAlpn(ssl.AlpnProtocols, Path, diagnostics);
        if (ssl.AlpnProtocols.Contains("h2") != useHttp2 && ssl.AlpnProtocols.Count > 0)
        {
            diagnostics.Warning($"{Path}.alpnProtocols", useHttp2
                ? "useHttp2 is on, so the gateway offers h2 whatever alpnProtocols says"
                : "the gateway offers h2 to an upstream only with useHttp2: true; set it to speak HTTP/2");
        }
    }

    private static void ValidateSource(ResourceRef? secretRef, SslFiles? files, string path, bool requireCertificate, ResourceDiagnostics diagnostics)
    {
        if (secretRef is not null && files is not null)
        {
            diagnostics.Error(path, "set either secretRef or sslFiles, not both");
            return;
        }

        if (secretRef is null && files is null)
        {
            diagnostics.Error(path, "sslConfig needs a certificate: secretRef (a kubernetes.io/tls Secret) or sslFiles (tlsCert and tlsKey)");
            return;
        }

        if (secretRef is not null && string.IsNullOrEmpty(secretRef.Name))
        {
            diagnostics.Error($"{path}.secretRef.name", "secretRef needs a name");
        }

        if (files is null)
        {
            return;
        }

        var hasCert = !string.IsNullOrEmpty(files.TlsCert);
        var hasKey = !string.IsNullOrEmpty(files.TlsKey);
        if (requireCertificate && !hasCert)
        {
            diagnostics.Error($"{path}.sslFiles.tlsCert", "tlsCert is required: the certificate the gateway serves");
        }

        if ((requireCertificate || hasCert) && !hasKey)
        {
            diagnostics.Error($"{path}.sslFiles.tlsKey", "tlsKey is required with tlsCert: the certificate's private key");
        }
        else if (hasKey && !hasCert && !requireCertificate)
        {
            diagnostics.Error($"{path}.sslFiles.tlsCert", "tlsCert is required with tlsKey");
        }
    }

    private static void ValidateSubjectAltNames(IReadOnlyList<string> names, string path, ResourceDiagnostics diagnostics)
    {
        for (var i = 0; i < names.Count; i++)
        {
            if (string.IsNullOrWhiteSpace(names[i]))
            {
                diagnostics.Error($"{path}.verifySubjectAltName[{i}]", "a subject alternative name must not be empty");
            }
        }
    }

    private static void ValidateParameters(SslParameters? parameters, string path, ResourceDiagnostics diagnostics)
    {
        if (parameters is null)
        {
            return;
        }

        var minimum = CheckVersion(parameters.MinimumProtocolVersion, $"{path}.parameters.minimumProtocolVersion", diagnostics);
        var maximum = CheckVersion(parameters.MaximumProtocolVersion, $"{path}.parameters.maximumProtocolVersion", diagnostics);
        if (minimum == System.Security.Authentication.SslProtocols.Tls13 && maximum == System.Security.Authentication.SslProtocols.Tls12)
        {
            diagnostics.Error($"{path}.parameters", "minimumProtocolVersion TLSv1_3 is above maximumProtocolVersion TLSv1_2: no version is left");
        }

        for (var i = 0; i < parameters.CipherSuites.Count; i++)
        {
            var name = parameters.CipherSuites[i];
            if (!TlsParameterNames.TryParseCipherSuite(name, out _))
            {
                diagnostics.Error($"{path}.parameters.cipherSuites[{i}]", name.StartsWith('[')
                    ? $"'{name}': equal-preference cipher groups are not supported; list the suites one by one"
                    : $"'{name}' is not a cipher suite Sluice knows; use an OpenSSL name such as ECDHE-RSA-AES128-GCM-SHA256 or an IANA name such as TLS_AES_128_GCM_SHA256");
            }
        }
    }

    private static System.Security.Authentication.SslProtocols? CheckVersion(string? name, string path, ResourceDiagnostics diagnostics)
    {
        if (TlsParameterNames.IsLegacyProtocol(name))
        {
            diagnostics.Error(path, $"{name} is not supported: TLS 1.0 and 1.1 are deprecated (RFC 8996); use TLSv1_2 or TLSv1_3");
            return null;
        }

        var protocol = TlsParameterNames.Protocol(name);
        if (protocol is null)
        {
            diagnostics.Error(path, $"'{name}' is not a protocol version; use TLS_AUTO, TLSv1_2 or TLSv1_3");
        }

        return protocol;
    }

    private static void ValidateAlpn(IReadOnlyList<string> protocols, string path, ResourceDiagnostics diagnostics)
    {
        for (var i = 0; i < protocols.Count; i++)
        {
            if (!TlsParameterNames.IsKnownAlpn(protocols[i]))
            {
                diagnostics.Error($"{path}.alpnProtocols[{i}]", $"'{protocols[i]}' is not an ALPN protocol Sluice serves; use h2 and/or http/1.1");
            }
        }
    }
}
