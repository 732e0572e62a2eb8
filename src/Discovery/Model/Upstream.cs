namespace Sluice.Discovery.Model;

public sealed record Upstream : Resource
{
    public required UpstreamSpec Spec { get; init; }
}

[GlooUnsupported(DiagnosticSeverity.Error, "kube", "consul", "aws", "azure", "awsEc2", "pipe", "gcp")]
[GlooUnsupported(DiagnosticSeverity.Warning, "discoveryMetadata", "healthChecks", "outlierDetection", "circuitBreakers",
    "loadBalancerConfig", "connectionConfig", "ignoreHealthOnHostRemoval", "respectDnsTtl", "dnsRefreshRate",
    "initialStreamWindowSize", "initialConnectionWindowSize", "maxConcurrentStreams", "protocolSelection",
    "httpProxyHostname", "httpConnectHeaders", "httpConnectSslConfig", "proxyProtocolVersion", "preconnectPolicy",
    "overrideStreamErrorOnInvalidHttpMessage", "failover", "healthCheckConfig")]
public sealed record UpstreamSpec
{
    public StaticUpstream? Static { get; init; }

    public UpstreamSslConfig? SslConfig { get; init; }

    public bool UseHttp2 { get; init; }
}

[GlooUnsupported(DiagnosticSeverity.Warning, "serviceSpec")]
public sealed record StaticUpstream
{
    public IReadOnlyList<StaticHost> Hosts { get; init; } = [];

    public bool UseTls { get; init; }

    public bool AutoSniRewrite { get; init; }
}

[GlooUnsupported(DiagnosticSeverity.Warning, "healthCheckConfig", "loadBalancingWeight", "metadata")]
public sealed record StaticHost
{
    [Sluice.Filters.RequiredField]
    public string Addr { get; init; } = string.Empty;

    [Sluice.Filters.RequiredField]
    public uint Port { get; init; }

    public string? SniAddr { get; init; }
}

/// <summary>TLS towards the upstream. Only server verification settings for now; client certificates come with mTLS.</summary>
[GlooUnsupported(DiagnosticSeverity.Error, "secretRef", "sslFiles", "sds")]
[GlooUnsupported(DiagnosticSeverity.Warning, "parameters", "alpnProtocols", "allowRenegotiation")]
public sealed record UpstreamSslConfig
{
    public string? Sni { get; init; }

    /// <summary>Sluice extension (not in Gloo): accept any server certificate. For development only.</summary>
    public bool InsecureSkipVerify { get; init; }
}
