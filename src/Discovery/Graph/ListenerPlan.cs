using Sluice.Discovery.Model;

namespace Sluice.Discovery.Graph;

/// <summary>One listener and the virtual services it serves.</summary>
public sealed record ListenerAssignment(string Name, string BindAddress, int Port, bool Ssl, IReadOnlyList<VirtualService> VirtualServices, Gateway? Gateway);

/// <summary>
/// Decides listeners and which virtual services each serves. Without any Gateway, Sluice listens like Gloo's
/// default gateways: HTTP on 8080 for virtual services without sslConfig, HTTPS on 8443 for those with it.
/// </summary>
public static class ListenerPlan
{
    public const int DefaultHttpPort = 8080;
    public const int DefaultHttpsPort = 8443;

    public static IReadOnlyList<ListenerAssignment> Assign(ResourceIndex index)
    {
        if (index.Gateways.Count == 0)
        {
            // The HTTPS default binds only when some virtual service has TLS: a TLS port with no certificate helps no one.
            var secure = index.VirtualServices.Where(vs => vs.Spec.SslConfig is not null).ToList();
            ListenerAssignment plain = new("gateway-proxy", "::", DefaultHttpPort, false, [.. index.VirtualServices.Where(vs => vs.Spec.SslConfig is null)], null);
            return secure.Count == 0 ? [plain] : [plain, new("gateway-proxy-ssl", "::", DefaultHttpsPort, true, secure, null)];
        }

        return [.. index.Gateways.Select(gateway => new ListenerAssignment(
            $"{gateway.Namespace}/{gateway.Metadata.Name}",
            gateway.Spec.BindAddress,
            (int)gateway.Spec.BindPort,
            gateway.Spec.Ssl,
            [.. index.VirtualServices.Where(vs => Selects(gateway, vs))],
            gateway))];
    }

    private static bool Selects(Gateway gateway, VirtualService virtualService)
    {
        if ((virtualService.Spec.SslConfig is not null) != gateway.Spec.Ssl)
        {
            return false;
        }

        var http = gateway.Spec.HttpGateway;
        if (http is null)
        {
            return true;
        }

        if (http.VirtualServices.Count > 0)
        {
            return http.VirtualServices.Any(reference => reference.Resolve(ResourceKind.VirtualService, gateway.Namespace) == virtualService.Id);
        }

        if (http.VirtualServiceNamespaces.Count > 0 && !http.VirtualServiceNamespaces.Contains("*") && !http.VirtualServiceNamespaces.Contains(virtualService.Namespace))
        {
            return false;
        }

        return LabelSelector.Matches(virtualService.Metadata.Labels, http.VirtualServiceSelector, http.VirtualServiceExpressions);
    }
}
