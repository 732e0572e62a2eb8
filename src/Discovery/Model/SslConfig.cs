namespace Sluice.Discovery.Model;

/// <summary>A virtual service's server TLS (Gloo's <c>sslConfig</c>). Certificates from files for now.</summary>
[GlooUnsupported(DiagnosticSeverity.Error, "secretRef", "sds", "verifySubjectAltName", "oneWayTls")]
[GlooUnsupported(DiagnosticSeverity.Warning, "parameters", "alpnProtocols", "transportSocketConnectTimeout", "ocspStaplePolicy", "disableTlsSessionResumption")]
public sealed record SslConfig
{
    public SslFiles? SslFiles { get; init; }

    public IReadOnlyList<string> SniDomains { get; init; } = [];
}

public sealed record SslFiles
{
    [Sluice.Filters.RequiredField]
    public string TlsCert { get; init; } = string.Empty;

    [Sluice.Filters.RequiredField]
    public string TlsKey { get; init; } = string.Empty;

    /// <summary>Setting a root CA turns on client certificate verification, which arrives with the security work.</summary>
    public string? RootCa { get; init; }
}
