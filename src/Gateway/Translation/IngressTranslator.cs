using System.Security.Cryptography.X509Certificates;
using Sluice.Discovery.Graph;
using Sluice.Discovery.Ingress;
using Sluice.Discovery.Model;
using Sluice.Gateway.DataPlane;
using Sluice.Gateway.Routing;

namespace Sluice.Gateway.Translation;

/// <summary>
/// Compiles the Ingress plan into virtual hosts for the listeners that serve Ingress traffic (the default HTTP and
/// HTTPS ports, configurable). The order of paths was decided by <see cref="IngressConverter"/>; here each path
/// becomes one route with one Exact or element-wise Prefix condition, so a request takes the same code path as
/// any VirtualService route. Requests that match no path fall to the default backend when there is one, else 404.
/// </summary>
internal sealed class IngressTranslator(IngressConverter converter)
{
    private readonly SecretCertificateCache _certificates = new();

    public IngressConverter Converter => converter;

    public CompiledIngress Compile(ResourceIndex index, Func<ResourceId, UpstreamCluster> cluster)
    {
        var plan = converter.Convert(index);
        var sni = new List<(string, X509Certificate2)>();
        X509Certificate2? fallback = null;
        foreach (var certificate in plan.Certificates)
        {
            if (!_certificates.TryLoad(certificate.Secret, out var loaded))
            {
                continue;
            }

            // Certificates come oldest Ingress first: on a host listed twice the older Ingress's certificate wins.
            if (certificate.Hosts.Count == 0)
            {
                fallback ??= loaded;
            }

            foreach (var host in certificate.Hosts)
            {
                sni.Add((host, loaded));
            }
        }

        _certificates.Commit();
        if (plan.IsEmpty)
        {
            return CompiledIngress.None;
        }

        var defaultRoute = plan.DefaultBackend is { } backend ? Route(backend, PathMatchKind.ElementPrefix, string.Empty, cluster) : null;
        var domains = new List<(string, CompiledVirtualHost)>();
        foreach (var host in plan.Hosts)
        {
            var routes = new List<CompiledRoute>(host.Paths.Count + 1);
            foreach (var path in host.Paths)
            {
                routes.Add(Route(path.Target, path.Match == IngressPathMatch.Exact ? PathMatchKind.Exact : PathMatchKind.ElementPrefix, path.MatchPath, cluster));
            }

            if (defaultRoute is not null)
            {
                routes.Add(defaultRoute);
            }

            var domain = host.Host.Length == 0 ? "*" : host.Host;
            domains.Add((domain, new CompiledVirtualHost($"ingress {domain}", [.. routes]) { WildcardMatchesOneLabel = host.IsWildcard }));
        }

        if (defaultRoute is not null && !plan.Hosts.Any(h => h.Host.Length == 0))
        {
            domains.Add(("*", new CompiledVirtualHost("ingress *", [defaultRoute])));
        }

        return new CompiledIngress(converter.Settings, domains, sni, fallback);
    }

    private static CompiledRoute Route(IngressRouteTarget target, PathMatchKind kind, string path, Func<ResourceId, UpstreamCluster> cluster) => new()
    {
        // Named after the path rule ("rules[0].http.paths[1]"), as a VirtualService route is after its routes[i].
        Name = $"{target.Source.Namespace}/{target.Source.Name}/{(target.FieldPath.EndsWith(".backend", StringComparison.Ordinal) ? target.FieldPath[..^".backend".Length] : target.FieldPath)}",
        Provenance = $"Ingress {target.Source.Namespace}/{target.Source.Name} {target.FieldPath}",
        Conditions = [new RouteCondition { PathKind = kind, Path = path }],
        Target = new ForwardTarget([new WeightedCluster(cluster(target.Upstream), 1, null)]),
    };
}

/// <summary>The Ingress virtual hosts and certificates of one snapshot, and which listener ports they join.</summary>
internal sealed record CompiledIngress(
    IngressControllerSettings Settings,
    IReadOnlyList<(string Domain, CompiledVirtualHost Host)> Domains,
    IReadOnlyList<(string Domain, X509Certificate2 Certificate)> Sni,
    X509Certificate2? Fallback)
{
    public static CompiledIngress None { get; } = new(IngressControllerSettings.Default, [], [], null);

    public bool HasCertificates => Sni.Count > 0 || Fallback is not null;

    /// <summary>Ingress rules join the HTTP port, and the HTTPS port when a certificate exists or the port is already TLS.</summary>
    public bool Serves(int port, bool ssl) => Domains.Count > 0 && (ssl ? port == Settings.HttpsPort : port == Settings.HttpPort);

    /// <summary>The listeners Ingress traffic needs that no Gateway (or default) already provides.</summary>
    public IEnumerable<(int Port, bool Ssl)> MissingListeners(ICollection<int> bound)
    {
        if (Domains.Count == 0)
        {
            yield break;
        }

        if (!bound.Contains(Settings.HttpPort))
        {
            yield return (Settings.HttpPort, false);
        }

        if (HasCertificates && !bound.Contains(Settings.HttpsPort))
        {
            yield return (Settings.HttpsPort, true);
        }
    }
}
