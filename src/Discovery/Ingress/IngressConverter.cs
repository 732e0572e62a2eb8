using System.Globalization;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Sluice.Discovery.Graph;
using Sluice.Discovery.Kubernetes;
using Sluice.Discovery.Model;
using Sluice.Discovery.Validation;

namespace Sluice.Discovery.Ingress;

/// <summary>
/// Turns every Ingress Sluice implements into one <see cref="IngressRoutingPlan"/> with Kubernetes' semantics: the
/// paths of all Ingresses for a host are merged, then ordered longest first with Exact before Prefix on equal
/// paths. When two Ingresses claim the same host, path and path type, the older one (creationTimestamp, then
/// namespace/name) wins and the other gets a warning on that path, as ingress-nginx and Contour resolve it.
/// A problem in one Ingress (a missing Secret, an unresolvable port) affects only that part of that Ingress.
/// </summary>
public sealed class IngressConverter(IngressControllerSettings settings, IServicePortResolver? servicePorts = null)
{
    public static IngressConverter Default { get; } = new(IngressControllerSettings.Default);

    public IngressControllerSettings Settings => settings;

    public IngressRoutingPlan Convert(ResourceIndex index)
    {
        var selector = new IngressClassSelector(index, settings);
        var ours = index.All.OfType<Ingress>().Where(selector.IsOurs)
            .OrderBy(CreatedAt)
            .ThenBy(i => i.Namespace, StringComparer.Ordinal)
            .ThenBy(i => i.Metadata.Name, StringComparer.Ordinal)
            .ToList();
        if (ours.Count == 0)
        {
            return IngressRoutingPlan.Empty;
        }

        var context = new ConversionContext(index, UpstreamsByName(index));
        foreach (var ingress in ours)
        {
            var diagnostics = IngressValidator.Validate(ingress);
            foreach (var diagnostic in diagnostics)
            {
                context.Problems.Add(new CrossResourceProblem(ingress.Id, diagnostic, Blocking: diagnostic.IsError));
            }

            if (diagnostics.Any(d => d.IsError))
            {
                continue;
            }

            AddRules(context, ingress);
            AddDefaultBackend(context, ingress);
            AddCertificates(context, ingress);
        }

        var hosts = context.Hosts
            .OrderBy(h => h.Key, StringComparer.Ordinal)
            .Select(h => new IngressHostRoutes(h.Key, [.. h.Value
                .OrderByDescending(r => r.MatchPath.Length)
                .ThenBy(r => r.Match == IngressPathMatch.Exact ? 0 : 1)]))
            .ToList();
        return new IngressRoutingPlan(hosts, context.DefaultBackend, context.Certificates, context.Problems);
    }

    private static DateTimeOffset CreatedAt(Ingress ingress) =>
        DateTimeOffset.TryParse(ingress.Metadata.CreationTimestamp, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var created)
            ? created
            : DateTimeOffset.MaxValue;

    private void AddRules(ConversionContext context, Ingress ingress)
    {
        var rules = ingress.Spec.Rules;
        for (var i = 0; i < rules.Count; i++)
        {
            var host = string.IsNullOrEmpty(rules[i].Host) ? string.Empty : rules[i].Host!;
            var paths = rules[i].Http?.Paths ?? [];
            for (var j = 0; j < paths.Count; j++)
            {
                var path = paths[j];
                var field = $"rules[{i}].http.paths[{j}]";
                var written = string.IsNullOrEmpty(path.Path) ? "/" : path.Path;
                IngressPathMatch match;
                string matchPath;
                if (path.PathType == IngressPathTypes.Exact)
                {
                    match = IngressPathMatch.Exact;
                    matchPath = written;
                }
                else
                {
                    // Prefix, and ImplementationSpecific which Sluice defines as Prefix. The rule's trailing '/' is
                    // ignored: '/foo/' matches '/foo', as Kubernetes specifies.
                    match = IngressPathMatch.ElementPrefix;
                    matchPath = written.TrimEnd('/');
                    if (path.PathType == IngressPathTypes.ImplementationSpecific && written.AsSpan().IndexOfAny("^$*+?()[]{}|\\") >= 0)
                    {
                        Warn(context, ingress, $"{field}.path", $"ImplementationSpecific paths are Prefix paths in Sluice and match literally; '{written}' is not a regex");
                    }
                }

                if (!context.Claimed.TryAdd((host, match, matchPath), (ingress.Id, field)))
                {
                    var (owner, ownerField) = context.Claimed[(host, match, matchPath)];
                    Warn(context, ingress, field, owner == ingress.Id
                        ? $"{path.PathType} {written} on host '{HostText(host)}' is already defined at {ownerField}; this one is ignored"
                        : $"{path.PathType} {written} on host '{HostText(host)}' is also defined by the older Ingress {owner.Namespace}/{owner.Name} ({ownerField}), which wins; this one is not served");
                    continue;
                }

                if (Resolve(context, ingress, path.Backend!, $"{field}.backend") is not { } target)
                {
                    continue;
                }

                if (!context.Hosts.TryGetValue(host, out var routes))
                {
                    context.Hosts[host] = routes = [];
                }

                routes.Add(new IngressPathRoute(match, matchPath, written, target));
            }
        }
    }

    private void AddDefaultBackend(ConversionContext context, Ingress ingress)
    {
        if (ingress.Spec.DefaultBackend is not { } backend)
        {
            return;
        }

        if (context.DefaultBackend is { } existing)
        {
            Warn(context, ingress, "defaultBackend", $"the older Ingress {existing.Source.Namespace}/{existing.Source.Name} also has a defaultBackend, which wins; this one is not used");
            return;
        }

        context.DefaultBackend = Resolve(context, ingress, backend, "defaultBackend");
    }

    private static void AddCertificates(ConversionContext context, Ingress ingress)
    {
        for (var i = 0; i < ingress.Spec.Tls.Count; i++)
        {
            var tls = ingress.Spec.Tls[i];
            var field = $"tls[{i}]";
            var hosts = tls.Hosts.Count == 0 ? "the default certificate" : string.Join(", ", tls.Hosts);
            if (string.IsNullOrEmpty(tls.SecretName))
            {
                Warn(context, ingress, field, $"no secretName: Sluice needs a certificate to terminate TLS, so {hosts} get none from this Ingress");
                continue;
            }

            var secretId = new ResourceId(ResourceKind.Secret, ingress.Namespace, tls.SecretName);
            if (context.Index.Get<Secret>(secretId) is not { } secret)
            {
                var state = context.Index.Defined.Contains(secretId) ? "is rejected" : "does not exist";
                Warn(context, ingress, $"{field}.secretName", $"Secret {secretId.Namespace}/{secretId.Name} {state}; {hosts} get no certificate from this Ingress");
                continue;
            }

            if (CertificateProblem(secret.Spec) is { } problem)
            {
                Warn(context, ingress, $"{field}.secretName", $"Secret {secretId.Namespace}/{secretId.Name} holds no usable certificate ({problem}); {hosts} get no certificate from this Ingress");
                continue;
            }

            context.Certificates.Add(new IngressCertificate(tls.Hosts, secret, ingress.Id));
        }
    }

    /// <summary>Loads the pair once to be sure it serves; the reason in words when it does not. Never echoes the values.</summary>
    private static string? CertificateProblem(SecretSpec secret)
    {
        if (!secret.TryGetString(SecretSpec.TlsCertificateKey, out var certificate) || !secret.TryGetString(SecretSpec.TlsPrivateKeyKey, out var key))
        {
            return $"it needs the keys '{SecretSpec.TlsCertificateKey}' and '{SecretSpec.TlsPrivateKeyKey}'";
        }

        try
        {
            using var loaded = X509Certificate2.CreateFromPem(certificate, key);
            return loaded.HasPrivateKey ? null : "the key does not belong to the certificate";
        }
        catch (Exception ex) when (ex is CryptographicException or ArgumentException)
        {
            return "the certificate or key is not valid PEM, or they do not belong together";
        }
    }

    private IngressRouteTarget? Resolve(ConversionContext context, Ingress ingress, IngressBackend backend, string field)
    {
        if (backend.Resource is { } resource)
        {
            Warn(context, ingress, $"{field}.resource", $"resource backends ({resource.Kind} {resource.Name}) are not supported by Sluice; this is not served");
            return null;
        }

        var service = backend.Service!;
        var ns = ingress.Namespace;
        int port;
        if (service.Port!.Number is { } number)
        {
            port = number;
        }
        else if (servicePorts is null)
        {
            Warn(context, ingress, $"{field}.service.port.name", $"port '{service.Port.Name}' is given by name, which only the Service knows and files have no Services; give its number. This is not served");
            return null;
        }
        else if (!servicePorts.TryResolvePort(ns, service.Name!, service.Port.Name!, out port))
        {
            Warn(context, ingress, $"{field}.service.port.name", $"Service {ns}/{service.Name} has no port named '{service.Port.Name}' (or does not exist yet); this is not served until it has");
            return null;
        }

        var name = KubernetesNames.UpstreamName(ns, service.Name!, port);
        var upstream = new ResourceId(ResourceKind.Upstream, ns, name);
        if (!context.Index.Contains(upstream))
        {
            if (context.UpstreamsByName.TryGetValue(name, out var elsewhere))
            {
                // Discovery may write Upstreams to its own namespace, as Gloo's does (gloo-system); the name is unique.
                upstream = elsewhere;
            }
            else
            {
                Warn(context, ingress, $"{field}.service", string.Create(CultureInfo.InvariantCulture,
                    $"no Upstream '{name}' for Service {ns}/{service.Name} port {port} (not discovered yet?); requests here get 503 until it exists"));
            }
        }

        return new IngressRouteTarget(upstream, ingress.Id, field);
    }

    private static Dictionary<string, ResourceId> UpstreamsByName(ResourceIndex index)
    {
        var byName = new Dictionary<string, ResourceId>(StringComparer.Ordinal);
        foreach (var upstream in index.All.OfType<Upstream>().OrderBy(u => u.Namespace, StringComparer.Ordinal))
        {
            byName.TryAdd(upstream.Metadata.Name, upstream.Id);
        }

        return byName;
    }

    private static string HostText(string host) => host.Length == 0 ? "*" : host;

    private static void Warn(ConversionContext context, Ingress ingress, string field, string message) =>
        context.Problems.Add(new CrossResourceProblem(ingress.Id, ResourceDiagnostics.Create(ingress, DiagnosticSeverity.Warning, field, message), Blocking: false));

    private sealed class ConversionContext(ResourceIndex index, Dictionary<string, ResourceId> upstreamsByName)
    {
        public ResourceIndex Index { get; } = index;

        public Dictionary<string, ResourceId> UpstreamsByName { get; } = upstreamsByName;

        public Dictionary<string, List<IngressPathRoute>> Hosts { get; } = new(StringComparer.Ordinal);

        public Dictionary<(string Host, IngressPathMatch Match, string Path), (ResourceId Owner, string Field)> Claimed { get; } = [];

        public IngressRouteTarget? DefaultBackend { get; set; }

        public List<IngressCertificate> Certificates { get; } = [];

        public List<CrossResourceProblem> Problems { get; } = [];
    }
}
