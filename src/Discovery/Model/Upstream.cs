namespace Sluice.Discovery.Model;

public sealed record Upstream : Resource
{
    public required UpstreamSpec Spec { get; init; }
}

[GlooUnsupported(DiagnosticSeverity.Error, "consul", "aws", "azure", "awsEc2", "pipe", "gcp")]
[GlooUnsupported(DiagnosticSeverity.Warning, "discoveryMetadata", "respectDnsTtl", "dnsRefreshRate",
    "initialStreamWindowSize", "initialConnectionWindowSize", "maxConcurrentStreams", "protocolSelection",
    "httpProxyHostname", "httpConnectHeaders", "httpConnectSslConfig", "proxyProtocolVersion", "preconnectPolicy",
    "overrideStreamErrorOnInvalidHttpMessage", "failover", "healthCheckConfig")]
public sealed record UpstreamSpec
{
    public StaticUpstream? Static { get; init; }

    /// <summary>
    /// The endpoints of a Kubernetes Service port (Gloo's <c>kube</c> upstream). Resolved from EndpointSlices by
    /// <c>sluice run --kubernetes</c>; without it the upstream has no endpoints (503).
    /// </summary>
    public KubeUpstream? Kube { get; init; }

    public UpstreamSslConfig? SslConfig { get; init; }

    public bool UseHttp2 { get; init; }

    /// <summary>How requests are spread over the endpoints; round robin when absent.</summary>
    public LoadBalancerConfig? LoadBalancerConfig { get; init; }

    /// <summary>Active health checks. Envoy (and so Sluice) runs at most one per upstream.</summary>
    public IReadOnlyList<HealthCheck> HealthChecks { get; init; } = [];

    /// <summary>Passive health: endpoints that keep failing are ejected for a while.</summary>
    public OutlierDetectionConfig? OutlierDetection { get; init; }

    /// <summary>Limits on concurrent requests, retries and connections to this upstream.</summary>
    public CircuitBreakerConfig? CircuitBreakers { get; init; }

    public ConnectionConfig? ConnectionConfig { get; init; }

    /// <summary>
    /// Accepted for Gloo compatibility. Sluice always forgets an endpoint as soon as it leaves the configuration,
    /// which is Envoy's behaviour with this set to true.
    /// </summary>
    public bool IgnoreHealthOnHostRemoval { get; init; }
}

[GlooUnsupported(DiagnosticSeverity.Warning, "serviceSpec")]
public sealed record StaticUpstream
{
    public IReadOnlyList<StaticHost> Hosts { get; init; } = [];

    public bool UseTls { get; init; }

    public bool AutoSniRewrite { get; init; }
}

[GlooUnsupported(DiagnosticSeverity.Warning, "healthCheckConfig", "metadata")]
public sealed record StaticHost
{
    [Sluice.Filters.RequiredField]
    public string Addr { get; init; } = string.Empty;

    [Sluice.Filters.RequiredField]
    public uint Port { get; init; }

    public string? SniAddr { get; init; }

    /// <summary>The endpoint's share of the traffic relative to the others (default 1), as Envoy's endpoint weight.</summary>
    public uint? LoadBalancingWeight { get; init; }
}

/// <summary>
/// TLS towards the upstream (Gloo's <c>UpstreamSslConfig</c>): the client certificate the gateway presents (a Secret
/// or files), the CA the upstream's certificate must chain to, SNI, SAN verification, versions and ciphers.
/// </summary>
[GlooUnsupported(DiagnosticSeverity.Error, "sds")]
[GlooUnsupported(DiagnosticSeverity.Warning, "allowRenegotiation", "oneWayTls")]
public sealed record UpstreamSslConfig
{
    /// <summary>A Secret with <c>tls.crt</c>/<c>tls.key</c> (the client certificate) and/or <c>ca.crt</c> (trusted roots).</summary>
    public ResourceRef? SecretRef { get; init; }

    public SslFiles? SslFiles { get; init; }

    public string? Sni { get; init; }

    /// <summary>The upstream's certificate must carry one of these SANs (DNS, URI, email or IP).</summary>
    public IReadOnlyList<string> VerifySubjectAltName { get; init; } = [];

    public SslParameters? Parameters { get; init; }

    /// <summary>Validated; the protocol offered follows <c>useHttp2</c> (the HTTP client negotiates ALPN itself).</summary>
    public IReadOnlyList<string> AlpnProtocols { get; init; } = [];

    /// <summary>Sluice extension (not in Gloo): accept any server certificate. For development only.</summary>
    public bool InsecureSkipVerify { get; init; }
}

/// <summary>Gloo's <c>kube</c> upstream spec: a Service port whose endpoints come from the cluster.</summary>
[GlooUnsupported(DiagnosticSeverity.Warning, "serviceSpec", "subsetSpec")]
public sealed record KubeUpstream
{
    [Sluice.Filters.RequiredField]
    public string ServiceName { get; init; } = string.Empty;

    /// <summary>Defaults to the Upstream's own namespace.</summary>
    public string? ServiceNamespace { get; init; }

    [Sluice.Filters.RequiredField]
    public uint ServicePort { get; init; }

    /// <summary>
    /// Accepted for Gloo compatibility. Gloo narrows the Service's pods by these labels; Sluice reads EndpointSlices,
    /// which do not carry pod labels, and uses every endpoint of the Service port.
    /// </summary>
    public IReadOnlyDictionary<string, string> Selector { get; init; } = ObjectMeta.EmptyLabels;
}
