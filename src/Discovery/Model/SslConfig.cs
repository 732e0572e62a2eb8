namespace Sluice.Discovery.Model;

/// <summary>
/// A virtual service's server TLS (Gloo's <c>sslConfig</c>): where its certificate comes from (a Secret or files), the
/// SNI names that select it, client certificate verification (a root CA turns it on, <c>oneWayTls</c> turns it off),
/// protocol versions, cipher suites and ALPN.
/// </summary>
[GlooUnsupported(DiagnosticSeverity.Error, "sds")]
[GlooUnsupported(DiagnosticSeverity.Warning, "transportSocketConnectTimeout", "ocspStaplePolicy", "disableTlsSessionResumption")]
public sealed record SslConfig
{
    /// <summary>A <c>kubernetes.io/tls</c> Secret: <c>tls.crt</c>, <c>tls.key</c> and optionally <c>ca.crt</c>.</summary>
    public ResourceRef? SecretRef { get; init; }

    public SslFiles? SslFiles { get; init; }

    /// <summary>The SNI names that select this certificate; the virtual service's domains when empty.</summary>
    public IReadOnlyList<string> SniDomains { get; init; } = [];

    /// <summary>With client verification on: a client certificate must carry one of these SANs (DNS, URI, email or IP).</summary>
    public IReadOnlyList<string> VerifySubjectAltName { get; init; } = [];

    /// <summary>True: never ask for a client certificate, even when a root CA is configured.</summary>
    public bool? OneWayTls { get; init; }

    public SslParameters? Parameters { get; init; }

    /// <summary>ALPN protocols offered, in order: <c>h2</c>, <c>http/1.1</c>. Both when empty.</summary>
    public IReadOnlyList<string> AlpnProtocols { get; init; } = [];
}

/// <summary>PEM files: the certificate (with its chain), its private key and, for client verification, the root CA bundle.</summary>
[GlooUnsupported(DiagnosticSeverity.Warning, "ocspStaple")]
public sealed record SslFiles
{
    public string? TlsCert { get; init; }

    public string? TlsKey { get; init; }

    /// <summary>Trusted roots: on a virtual service, client certificates must chain to them; on an upstream, its certificate.</summary>
    public string? RootCa { get; init; }
}

/// <summary>Gloo's <c>SslParameters</c>: protocol versions (<c>TLS_AUTO</c>, <c>TLSv1_2</c>, <c>TLSv1_3</c>) and cipher suites.</summary>
[GlooUnsupported(DiagnosticSeverity.Warning, "ecdhCurves")]
public sealed record SslParameters
{
    public string? MinimumProtocolVersion { get; init; }

    public string? MaximumProtocolVersion { get; init; }

    /// <summary>OpenSSL/BoringSSL names (<c>ECDHE-RSA-AES128-GCM-SHA256</c>) or IANA names (<c>TLS_AES_128_GCM_SHA256</c>).</summary>
    public IReadOnlyList<string> CipherSuites { get; init; } = [];
}
