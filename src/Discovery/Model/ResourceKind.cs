namespace Sluice.Discovery.Model;

public enum ResourceKind
{
    VirtualService,
    RouteTable,
    Upstream,
    UpstreamGroup,
    Gateway,
    Secret,
    AuthConfig,
    Ingress,
    IngressClass,
}
