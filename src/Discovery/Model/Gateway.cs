namespace Sluice.Discovery.Model;

public sealed record Gateway : Resource
{
    public required GatewaySpec Spec { get; init; }
}

[GlooUnsupported(DiagnosticSeverity.Error, "tcpGateway", "hybridGateway", "matchableHttpGateway")]
[GlooUnsupported(DiagnosticSeverity.Warning, "routeOptions", "useProxyProto")]
public sealed record GatewaySpec
{
    /// <summary>Gloo's default is <c>::</c>; Sluice binds every IPv4 and IPv6 address for it.</summary>
    public string BindAddress { get; init; } = "::";

    [Sluice.Filters.RequiredField]
    public uint BindPort { get; init; }

    public bool Ssl { get; init; }

    public HttpGateway? HttpGateway { get; init; }

    /// <summary>Listener options (Gloo's ListenerOptions): access logging.</summary>
    public ListenerOptions? Options { get; init; }

    /// <summary>Accepted for Gloo compatibility; Sluice is a single proxy and serves every Gateway.</summary>
    public IReadOnlyList<string> ProxyNames { get; init; } = [];
}

public sealed record HttpGateway
{
    /// <summary>Options for all traffic on this listener: the outermost layer, under virtual host and route options.</summary>
    public OptionSet Options { get; init; } = OptionSet.Empty;

    public IReadOnlyList<ResourceRef> VirtualServices { get; init; } = [];

    public IReadOnlyDictionary<string, string> VirtualServiceSelector { get; init; } = ObjectMeta.EmptyLabels;

    public IReadOnlyList<LabelExpression> VirtualServiceExpressions { get; init; } = [];

    public IReadOnlyList<string> VirtualServiceNamespaces { get; init; } = [];
}
