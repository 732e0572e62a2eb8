using Sluice.Discovery.Graph;
using Sluice.Discovery.Ingress;
using Sluice.Discovery.Model;
using Sluice.Filters;

namespace Sluice.Discovery.Validation;

/// <summary>A problem that involves other resources.</summary>
/// <param name="Blocking">
/// True when the resource cannot be served at all (a domain another virtual service owns, a delegation cycle, a
/// port taken twice). False when it can still serve with the broken part answering 503 (a reference to an
/// upstream that no longer exists): a last-good version with such a problem keeps serving the rest.
/// </param>
public sealed record CrossResourceProblem(ResourceId Id, Diagnostic Diagnostic, bool Blocking);

/// <summary>
/// Checks what needs the whole set: references, delegation (targets, cycles, child prefixes), domains claimed by two
/// virtual services on one listener, and listeners bound twice.
/// </summary>
public static class CrossResourceValidator
{

    /// <param name="incumbentDomains">
    /// Which virtual service served each (listener, domain) in the last snapshot. In a conflict the incumbent keeps the
    /// domain and only the newcomer is rejected, so a new mistake never takes down what already serves.
    /// </param>
    /// <param name="ingress">Who Sluice is as an ingress controller; its Ingresses are checked here because only the
    /// whole set says which are ours. The defaults when absent.</param>
    public static IReadOnlyList<CrossResourceProblem> Validate(ResourceIndex index, IReadOnlyDictionary<(int Port, string Domain), ResourceId> incumbentDomains, IngressConverter? ingress = null)
    {
        var problems = new List<CrossResourceProblem>();
        foreach (var virtualService in index.VirtualServices)
        {
            CheckOptionReferences(virtualService, virtualService.Spec.VirtualHost.Options, "virtualHost.options", index, problems);
            CheckRoutes(virtualService, virtualService.Spec.VirtualHost.Routes, "virtualHost.routes", index, problems, [virtualService.Id], parentPrefixes: null);
        }

        foreach (var table in index.RouteTables)
        {
            CheckRoutes(table, table.Spec.Routes, "routes", index, problems, [table.Id], parentPrefixes: null, delegationOnly: false, referencesOnly: true);
        }

        foreach (var group in index.All.OfType<UpstreamGroup>())
        {
            for (var i = 0; i < group.Spec.Destinations.Count; i++)
            {
                CheckUpstreamRef(group, group.Spec.Destinations[i].Destination.Upstream, $"destinations[{i}].destination.upstream", index, problems);
            }
        }

        foreach (var authConfig in index.All.OfType<AuthConfig>())
        {
            CheckAuthConfigSecrets(authConfig, index, problems);
        }

        foreach (var gateway in index.Gateways)
        {
            if (gateway.Spec.HttpGateway is { } http)
            {
                CheckOptionReferences(gateway, http.Options, "httpGateway.options", index, problems);
            }
        }

        CheckListeners(index, incumbentDomains, problems);
        problems.AddRange((ingress ?? IngressConverter.Default).Convert(index).Problems);
        return problems;
    }

    /// <summary>Upstreams named inside filter options (shadowing's target) must exist like any other reference.</summary>
    private static void CheckOptionReferences(Resource owner, OptionSet options, string path, ResourceIndex index, List<CrossResourceProblem> problems)
    {
        foreach (var (name, value) in options.Values)
        {
            if (!FilterRegistry.Default.TryGet(name, out var descriptor))
            {
                continue;
            }

            foreach (var reference in descriptor.UpstreamReferences(value))
            {
                CheckUpstreamRef(owner, new ResourceRef { Name = reference.Name, Namespace = reference.Namespace }, $"{path}.{name}.{reference.RelativePath}", index, problems);
            }

            foreach (var reference in descriptor.ResourceReferences(value))
            {
                CheckReference(owner, reference, $"{path}.{name}", index, problems);
            }
        }
    }

    /// <summary>
    /// An AuthConfig or Secret a filter names must be served, or the resource naming it is rejected: authentication
    /// never silently turns into no authentication. A served (last good) version whose reference disappears keeps
    /// serving, and its filter fails closed.
    /// </summary>
    private static void CheckReference(Resource owner, ResourceReference reference, string optionPath, ResourceIndex index, List<CrossResourceProblem> problems)
    {
        var kind = reference.Kind == ReferencedKind.AuthConfig ? ResourceKind.AuthConfig : ResourceKind.Secret;
        var id = new ResourceId(kind, string.IsNullOrEmpty(reference.Namespace) ? owner.Namespace : reference.Namespace, reference.Name);
        if (!index.Contains(id))
        {
            var path = reference.RelativePath.Length == 0 ? optionPath : optionPath.Length == 0 ? reference.RelativePath : $"{optionPath}.{reference.RelativePath}";
            problems.Add(new(owner.Id, ResourceDiagnostics.Create(owner, DiagnosticSeverity.Error, path, Missing(index, id)), Blocking: false));
        }
    }

    private static void CheckAuthConfigSecrets(AuthConfig authConfig, ResourceIndex index, List<CrossResourceProblem> problems)
    {
        foreach (var reference in Sluice.Filters.ExtAuth.AuthConfigSpecValidator.SecretReferences(authConfig.Spec))
        {
            CheckReference(authConfig, reference, string.Empty, index, problems);
        }
    }

    private static void CheckRoutes(
        Resource owner,
        IReadOnlyList<Route> routes,
        string path,
        ResourceIndex index,
        List<CrossResourceProblem> problems,
        List<ResourceId> chain,
        IReadOnlyList<string>? parentPrefixes,
        bool delegationOnly = false,
        bool referencesOnly = false)
    {
        for (var i = 0; i < routes.Count; i++)
        {
            var route = routes[i];
            var routePath = $"{path}[{i}]";
            if (parentPrefixes is not null)
            {
                CheckChildPrefixes(owner, route, routePath, parentPrefixes, chain, problems);
            }

            if (!delegationOnly && route.RouteAction is { } action)
            {
                CheckAction(owner, action, $"{routePath}.routeAction", index, problems);
            }

            if (!delegationOnly)
            {
                CheckOptionReferences(owner, route.Options, $"{routePath}.options", index, problems);
            }

            if (route.DelegateAction is not { } delegation || referencesOnly)
            {
                continue;
            }

            var targets = DelegationResolver.Targets(delegation, owner.Namespace, index);
            if (targets.Count == 0 && delegation.Selector is not null)
            {
                problems.Add(new(owner.Id, ResourceDiagnostics.Create(owner, DiagnosticSeverity.Warning, $"{routePath}.delegateAction.selector",
                    "the selector matches no RouteTable; requests for this route get 404"), Blocking: false));
            }

            var prefixes = route.DelegationPrefixes;
            foreach (var target in targets)
            {
                var table = index.Get<RouteTable>(target);
                if (table is null)
                {
                    problems.Add(new(owner.Id, ResourceDiagnostics.Create(owner, DiagnosticSeverity.Error, $"{routePath}.delegateAction",
                        Missing(index, target)), Blocking: false));
                    continue;
                }

                if (chain.Contains(target))
                {
                    var cycle = string.Join(" -> ", chain.Append(target).SkipWhile(id => id != target).Select(id => $"{id.Namespace}/{id.Name}"));
                    problems.Add(new(target, ResourceDiagnostics.Create(table, DiagnosticSeverity.Error, "routes",
                        $"delegation cycle: {cycle}; a RouteTable must not delegate back to itself"), Blocking: true));
                    continue;
                }

                chain.Add(target);
                CheckRoutes(table, table.Spec.Routes, "routes", index, problems, chain, prefixes, delegationOnly: true);
                chain.RemoveAt(chain.Count - 1);
            }
        }
    }

    private static void CheckChildPrefixes(Resource owner, Route route, string routePath, IReadOnlyList<string> parentPrefixes, List<ResourceId> chain, List<CrossResourceProblem> problems)
    {
        var matchers = route.EffectiveMatchers;
        for (var m = 0; m < matchers.Count; m++)
        {
            var childPath = matchers[m].Prefix ?? matchers[m].Exact;
            if (childPath is null || parentPrefixes.Any(prefix => childPath.StartsWith(prefix, StringComparison.Ordinal)))
            {
                continue;
            }

            var parent = chain.Count > 1 ? chain[^2] : chain[0];
            problems.Add(new(owner.Id, ResourceDiagnostics.Create(owner, DiagnosticSeverity.Error, $"{routePath}.matchers[{m}]",
                $"path '{childPath}' does not start with the delegating route's prefix ({string.Join(" or ", parentPrefixes.Select(p => $"'{p}'"))} in {parent.Kind} {parent.Namespace}/{parent.Name}); it could never match"),
                Blocking: false));
        }
    }

    private static void CheckAction(Resource owner, RouteAction action, string path, ResourceIndex index, List<CrossResourceProblem> problems)
    {
        if (action.Single is { } single)
        {
            CheckUpstreamRef(owner, single.Upstream, $"{path}.single.upstream", index, problems);
        }

        if (action.Multi is { } multi)
        {
            for (var d = 0; d < multi.Destinations.Count; d++)
            {
                CheckUpstreamRef(owner, multi.Destinations[d].Destination.Upstream, $"{path}.multi.destinations[{d}].destination.upstream", index, problems);
                CheckOptionReferences(owner, multi.Destinations[d].Options, $"{path}.multi.destinations[{d}].options", index, problems);
            }
        }

        if (action.UpstreamGroup is { } groupRef)
        {
            var id = groupRef.Resolve(ResourceKind.UpstreamGroup, owner.Namespace);
            if (!index.Contains(id))
            {
                problems.Add(new(owner.Id, ResourceDiagnostics.Create(owner, DiagnosticSeverity.Error, $"{path}.upstreamGroup",
                    Missing(index, id)), Blocking: false));
            }
        }
    }

    private static void CheckUpstreamRef(Resource owner, ResourceRef? reference, string path, ResourceIndex index, List<CrossResourceProblem> problems)
    {
        if (reference is null)
        {
            return;
        }

        var id = reference.Resolve(ResourceKind.Upstream, owner.Namespace);
        if (!index.Contains(id))
        {
            problems.Add(new(owner.Id, ResourceDiagnostics.Create(owner, DiagnosticSeverity.Error, path,
                Missing(index, id)), Blocking: false));
        }
    }

    private static string Missing(ResourceIndex index, ResourceId id) => index.Defined.Contains(id)
        ? $"{id.Kind} {id.Namespace}/{id.Name} is rejected (see its own status), so this reference cannot be served"
        : $"{id.Kind} {id.Namespace}/{id.Name} does not exist";

    private static void CheckListeners(ResourceIndex index, IReadOnlyDictionary<(int Port, string Domain), ResourceId> incumbentDomains, List<CrossResourceProblem> problems)
    {
        var byPort = new Dictionary<int, Gateway>();
        foreach (var gateway in index.Gateways)
        {
            var port = (int)gateway.Spec.BindPort;
            if (byPort.TryGetValue(port, out var other))
            {
                problems.Add(new(gateway.Id, ResourceDiagnostics.Create(gateway, DiagnosticSeverity.Error, "bindPort",
                    $"port {port} is already bound by Gateway {other.Namespace}/{other.Metadata.Name}"), Blocking: true));
            }
            else
            {
                byPort[port] = gateway;
            }
        }

        foreach (var listener in ListenerPlan.Assign(index))
        {
            var claims = new Dictionary<string, List<(VirtualService Owner, int Index)>>(StringComparer.OrdinalIgnoreCase);
            foreach (var virtualService in listener.VirtualServices)
            {
                var domains = virtualService.Spec.VirtualHost.EffectiveDomains;
                for (var i = 0; i < domains.Count; i++)
                {
                    if (!claims.TryGetValue(domains[i], out var owners))
                    {
                        claims[domains[i]] = owners = [];
                    }

                    owners.Add((virtualService, i));
                }
            }

            foreach (var (domain, owners) in claims)
            {
                if (owners.Count < 2)
                {
                    continue;
                }

                incumbentDomains.TryGetValue((listener.Port, domain.ToLowerInvariant()), out var incumbent);
                foreach (var (owner, i) in owners)
                {
                    if (owner.Id == incumbent)
                    {
                        continue;
                    }

                    var others = string.Join(", ", owners.Where(o => o.Owner != owner).Select(o => $"{o.Owner.Namespace}/{o.Owner.Metadata.Name}"));
                    problems.Add(new(owner.Id, ResourceDiagnostics.Create(owner, DiagnosticSeverity.Error,
                        owner.Spec.VirtualHost.Domains.Count == 0 ? "virtualHost.domains" : $"virtualHost.domains[{i}]",
                        $"domain '{domain}' on listener {listener.Name} (port {listener.Port}) is also claimed by VirtualService {others}; each domain belongs to one virtual service"),
                        Blocking: true));
                }
            }
        }
    }
}
