using System.Net;
using Sluice.Discovery.Model;
using Sluice.Filters;

namespace Sluice.Discovery.Validation;

/// <summary>
/// Everything that can be checked on one resource alone. Checks that need other resources (references,
/// delegation, domain conflicts) live in <see cref="CrossResourceValidator"/>.
/// </summary>
public static class ResourceValidator
{
    public static IReadOnlyList<Diagnostic> Validate(Resource resource)
    {
        var diagnostics = new ResourceDiagnostics(resource);
        switch (resource)
        {
            case VirtualService virtualService:
                ValidateVirtualService(virtualService.Spec, diagnostics);
                break;
            case RouteTable routeTable:
                RouteValidator.ValidateRoutes(routeTable.Spec.Routes, "routes", diagnostics);
                break;
            case Upstream upstream:
                ValidateUpstream(upstream.Spec, diagnostics);
                break;
            case UpstreamGroup group:
                RouteValidator.ValidateWeightedDestinations(group.Spec.Destinations, "destinations", diagnostics);
                break;
            case Gateway gateway:
                ValidateGateway(gateway.Spec, diagnostics);
                break;
            case Secret secret:
                ValidateSecret(secret.Spec, diagnostics);
                break;
            case AuthConfig authConfig:
                Sluice.Filters.ExtAuth.AuthConfigSpecValidator.Validate(authConfig.Spec, new OptionDiagnostics(diagnostics));
                break;
        }

        if (resource.Metadata.Name.Length > 253 || resource.Metadata.Name.AsSpan().ContainsAny(" /\\\r\n\0"))
        {
            diagnostics.Error("metadata.name", $"'{resource.Metadata.Name}' is not a valid resource name");
        }

        return diagnostics.Items;
    }

    /// <summary>Lets specs validated by Filters' own rules report into a resource's diagnostics.</summary>
    private sealed class OptionDiagnostics(ResourceDiagnostics diagnostics) : IOptionsDiagnostics
    {
        public void Error(string relativePath, string message) => diagnostics.Error(relativePath, message);

        public void Warning(string relativePath, string message) => diagnostics.Warning(relativePath, message);
    }

    private static void ValidateSecret(SecretSpec spec, ResourceDiagnostics diagnostics)
    {
        // Messages name keys, never values: a Secret's content must not reach logs or the admin API.
        foreach (var (key, value) in spec.Data)
        {
            if (!Convert.TryFromBase64String(value, new byte[value.Length], out _))
            {
                diagnostics.Error($"data.{key}", $"the value of '{key}' is not valid base64 (Secret data is base64; use stringData for plain text)");
            }
        }

        if (spec.Type == SecretSpec.TlsType)
        {
            foreach (var required in (ReadOnlySpan<string>)[SecretSpec.TlsCertificateKey, SecretSpec.TlsPrivateKeyKey])
            {
                if (!spec.Data.ContainsKey(required) && !spec.StringData.ContainsKey(required))
                {
                    diagnostics.Error("data", $"a {SecretSpec.TlsType} Secret needs the key '{required}'");
                }
            }
        }
    }

    private static void ValidateVirtualService(VirtualServiceSpec spec, ResourceDiagnostics diagnostics)
    {
        var seen = new Dictionary<string, int>(StringComparer.OrdinalIgnoreCase);
        for (var i = 0; i < spec.VirtualHost.Domains.Count; i++)
        {
            var domain = spec.VirtualHost.Domains[i];
            var path = $"virtualHost.domains[{i}]";
            if (DomainRules.Problem(domain) is { } problem)
            {
                diagnostics.Error(path, problem);
            }
            else if (!seen.TryAdd(domain, i))
            {
                diagnostics.Error(path, $"domain '{domain}' is listed twice (also at domains[{seen[domain]}])");
            }
        }

        RouteOnlyOptions(spec.VirtualHost.Options, "virtualHost.options", diagnostics);
        RouteValidator.ValidateRoutes(spec.VirtualHost.Routes, "virtualHost.routes", diagnostics);

        if (spec.SslConfig is { } ssl)
        {
            TlsValidator.ValidateServer(ssl, diagnostics);
        }
    }

    /// <summary>Options that only make sense per route (Gloo has them in RouteOptions alone) are refused above it.</summary>
    private static void RouteOnlyOptions(OptionSet options, string path, ResourceDiagnostics diagnostics, bool listener = false)
    {
        if (!listener)
        {
            RouteValidator.RefuseListenerSettings(options, path, diagnostics);
        }

        foreach (var name in options.Values.Keys)
        {
            if (FilterRegistry.Default.TryGet(name, out var descriptor) && !descriptor.IsListenerSetting && !descriptor.AllowedOnVirtualHost)
            {
                diagnostics.Error($"{path}.{name}", $"'{name}' is a route option; set it on the routes (or weighted destinations) that need it");
            }
        }
    }

    private static void ValidateUpstream(UpstreamSpec spec, ResourceDiagnostics diagnostics)
    {
        if (spec.Static is null)
        {
            diagnostics.Error(string.Empty, "an Upstream needs a type; Sluice supports 'static' (hosts and ports) for now");
            return;
        }

        if (spec.Static.Hosts.Count == 0)
        {
            diagnostics.Warning("static.hosts", "the upstream has no hosts: every request routed to it gets 503");
        }

        for (var i = 0; i < spec.Static.Hosts.Count; i++)
        {
            var host = spec.Static.Hosts[i];
            var path = $"static.hosts[{i}]";
            if (host.Port is 0 or > 65535)
            {
                diagnostics.Error($"{path}.port", $"port must be between 1 and 65535, got {host.Port}");
            }

            if (host.Addr.Length == 0 || host.Addr.AsSpan().ContainsAny(" /\\?#@\r\n\0"))
            {
                diagnostics.Error($"{path}.addr", $"'{host.Addr}' is not a host name or IP address");
            }
        }

        UpstreamValidator.Validate(spec, diagnostics);
        if (spec.SslConfig is { } ssl)
        {
            TlsValidator.ValidateUpstream(ssl, spec.UseHttp2, diagnostics);
        }
    }

    private static void ValidateGateway(GatewaySpec spec, ResourceDiagnostics diagnostics)
    {
        if (spec.HttpGateway is { } http)
        {
            RouteOnlyOptions(http.Options, "httpGateway.options", diagnostics, listener: true);
            RouteValidator.ValidateExpressions(http.VirtualServiceExpressions, "httpGateway.virtualServiceExpressions", diagnostics);
        }

        AccessLogValidator.Validate(spec.Options, "options", diagnostics);
        if (spec.BindPort is 0 or > 65535)
        {
            diagnostics.Error("bindPort", $"bindPort must be between 1 and 65535, got {spec.BindPort}");
        }

        if (spec.BindAddress != "localhost" && !IPAddress.TryParse(spec.BindAddress, out _))
        {
            diagnostics.Error("bindAddress", $"bindAddress '{spec.BindAddress}' is not an IP address");
        }
    }
}
