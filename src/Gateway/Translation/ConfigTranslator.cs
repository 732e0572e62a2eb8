using System.Collections.Frozen;
using System.Text;
using Sluice.Discovery.Graph;
using Sluice.Discovery.Ingress;
using Sluice.Discovery.Model;
using Sluice.Discovery.Snapshots;
using Sluice.Filters;
using Sluice.Gateway.Configuration;
using Sluice.Gateway.DataPlane;
using Sluice.Gateway.Listeners;
using Sluice.Gateway.Routing;
using Sluice.Gateway.Upstreams;
using Yarp.ReverseProxy.Forwarder;
using GatewayResource = Sluice.Discovery.Model.Gateway;
using Route = Sluice.Discovery.Model.Route;

namespace Sluice.Gateway.Translation;

/// <summary>
/// Translates a validated snapshot into what the request path runs: per listener a virtual host table, per virtual
/// host its routes with delegation flattened in place, options merged and filters compiled by stage. All the
/// semantics live here; the request path only executes the result. Deviation from the design's first draft: the
/// output is Sluice's own route table driving YARP's <see cref="IHttpForwarder"/> directly, not an IProxyConfig,
/// because YARP's config routing is endpoint routing (case-insensitive templates, whole-update rejection).
/// </summary>
internal sealed class ConfigTranslator(FilterRegistry filters, UpstreamInvokerPool invokers, CertificateCache certificates, UpstreamStateRegistry? upstreams = null, FilterStateStore? filterState = null, IngressConverter? ingress = null)
{
    // Filter state (rate-limit buckets, JWKS caches) outlives each translation; without a store (tests) a private one is used.
    private readonly FilterStateStore _filterState = filterState ?? new FilterStateStore();

    // Clusters bind to the long-lived upstream state; without a registry (tests, offline tools) a private one is used.
    private readonly UpstreamClusterFactory _clusters = new(invokers, upstreams ?? new UpstreamStateRegistry());
    private readonly IngressTranslator _ingress = new(ingress ?? IngressConverter.Default);

    /// <summary>Who Sluice is as an ingress controller; the snapshot builder validates Ingresses with the same.</summary>
    public IngressConverter Ingress => _ingress.Converter;

    private readonly ServerTlsCompiler _serverTls = new(certificates);
    private readonly UpstreamTlsCompiler _upstreamTls = new(certificates);

    public CompiledConfig Translate(ResourceSnapshot snapshot)
    {
        // State the new config does not ask for is dropped only once it is built: a translation that fails leaves
        // the live config's buckets and key caches alone.
        _filterState.BeginGeneration();
        var compiled = TranslateSnapshot(snapshot);
        _filterState.EndGeneration();
        return compiled;
    }

    private CompiledConfig TranslateSnapshot(ResourceSnapshot snapshot)
    {
        var index = snapshot.Effective;
        var clusters = new Dictionary<ResourceId, UpstreamCluster>();
        var listeners = new Dictionary<int, CompiledListener>();
        var statuses = new TranslationStatuses();
        var serverTls = new Dictionary<ResourceId, ServerTlsOutcome>();
        certificates.BeginTranslation();
        try
        {
            var ingressContext = new FlattenContext(index, clusters, [], [], statuses);
            var ingress = _ingress.Compile(index, id => Cluster(ingressContext, id));
            foreach (var assignment in ListenerPlan.Assign(index))
            {
                if (!listeners.ContainsKey(assignment.Port))
                {
                    listeners.Add(assignment.Port, CompileListener(assignment, index, clusters, serverTls, statuses, ingress));
                }
            }

            foreach (var (port, ssl) in ingress.MissingListeners(listeners.Keys))
            {
                listeners.Add(port, new CompiledListener
                {
                    Name = ssl ? "ingress-https" : "ingress-http",
                    BindAddress = "::",
                    Port = port,
                    Ssl = ssl,
                    Hosts = new VirtualHostTable(ingress.Domains),
                    Certificates = ssl ? IngressCertificates(ingress, [], null) : ServerCertificates.None,
                });
            }

            var context = new FlattenContext(index, clusters, [], [], statuses);
            foreach (var upstream in index.All.OfType<Upstream>())
            {
                Cluster(context, upstream.Id);
            }
        }
        finally
        {
            certificates.EndTranslation();
        }

        return new CompiledConfig(statuses.Apply(snapshot), listeners.ToFrozenDictionary(), clusters.ToFrozenDictionary(c => $"{c.Key.Namespace}/{c.Key.Name}", c => c.Value, StringComparer.Ordinal));
    }

    private CompiledListener CompileListener(
        ListenerAssignment assignment,
        ResourceIndex index,
        Dictionary<ResourceId, UpstreamCluster> clusters,
        Dictionary<ResourceId, ServerTlsOutcome> serverTls,
        TranslationStatuses statuses,
        CompiledIngress ingress)
    {
        var domains = new List<(string, CompiledVirtualHost)>();
        var sni = new List<(string, ServerTlsContext?)>();
        var byVirtualHost = new Dictionary<CompiledVirtualHost, ServerTlsContext>(ReferenceEqualityComparer.Instance);
        ServerTlsContext? fallback = null;
        foreach (var virtualService in assignment.VirtualServices)
        {
            var vsDomains = virtualService.Spec.VirtualHost.EffectiveDomains;
            ServerTlsContext? tls = null;
            if (assignment.Ssl && virtualService.Spec.SslConfig is { } ssl)
            {
                if (!serverTls.TryGetValue(virtualService.Id, out var outcome))
                {
                    serverTls[virtualService.Id] = outcome = _serverTls.Compile(virtualService, index);
                    if (outcome.Diagnostic is { } diagnostic)
                    {
                        statuses.Add(virtualService.Id, diagnostic, served: outcome.Context is not null);
                    }
                }

                var names = ssl.SniDomains.Count > 0 ? ssl.SniDomains : vsDomains;
                sni.AddRange(names.Select(name => (name, outcome.Context)));
                if (outcome.Context is null)
                {
                    // No certificate: its names refuse the handshake and its routes are not reachable on this listener.
                    continue;
                }

                tls = outcome.Context;
                fallback ??= tls;
            }

            var compiled = CompileVirtualHost(virtualService, assignment.Gateway, index, clusters, statuses);
            domains.AddRange(vsDomains.Select(domain => (domain, compiled)));
            if (tls is not null)
            {
                byVirtualHost[compiled] = tls;
            }
        }

        var servesIngress = ingress.Serves(assignment.Port, assignment.Ssl);
        if (servesIngress)
        {
            // After the virtual services: on a domain both claim, the VirtualService keeps it.
            domains.AddRange(ingress.Domains);
        }

        var settings = ListenerSettings.From(assignment.Gateway?.Spec.HttpGateway?.Options);
        return new CompiledListener
        {
            Name = assignment.Name,
            BindAddress = assignment.BindAddress,
            Port = assignment.Port,
            Ssl = assignment.Ssl,
            Hosts = new VirtualHostTable(domains),
            Certificates = !assignment.Ssl ? ServerCertificates.None
                : servesIngress ? IngressCertificates(ingress, sni, fallback, byVirtualHost)
                : new ServerCertificates(sni, fallback, byVirtualHost.ToFrozenDictionary(ReferenceEqualityComparer.Instance)),
            Settings = settings,
            ClientCertForwarding = ClientCertForwarding.From(settings),
            AccessLog = Telemetry.AccessLogs.AccessLogPolicy.Compile(assignment.Gateway?.Spec.Options),
        };
    }

    /// <summary>
    /// Ingress TLS joins the listener after the virtual services' (a name both list keeps the virtual service's
    /// certificate). An Ingress certificate gets the default TLS settings: TLS 1.2-1.3, ALPN h2 and http/1.1.
    /// </summary>
    private ServerCertificates IngressCertificates(CompiledIngress ingress, List<(string, ServerTlsContext?)> sni, ServerTlsContext? fallback, Dictionary<CompiledVirtualHost, ServerTlsContext>? byVirtualHost = null)
    {
        foreach (var (domain, certificate) in ingress.Sni)
        {
            sni.Add((domain, certificates.DefaultServerContext(certificate)));
        }

        fallback ??= ingress.Fallback is { } ingressFallback ? certificates.DefaultServerContext(ingressFallback) : null;
        return new ServerCertificates(sni, fallback, (byVirtualHost ?? []).ToFrozenDictionary(ReferenceEqualityComparer.Instance));
    }

    private CompiledVirtualHost CompileVirtualHost(VirtualService virtualService, GatewayResource? gateway, ResourceIndex index, Dictionary<ResourceId, UpstreamCluster> clusters, TranslationStatuses statuses)
    {
        var routes = new List<CompiledRoute>();
        var listenerOptions = gateway?.Spec.HttpGateway is { } http
            ? MergedOptions.Empty.Overlay(http.Options, $"{Describe(gateway)} httpGateway.options", new OptionSource(gateway.Id, "httpGateway.options"), gateway.Namespace, filters)
            : MergedOptions.Empty;
        var hostOptions = listenerOptions.Overlay(virtualService.Spec.VirtualHost.Options, $"{Describe(virtualService)} virtualHost.options", new OptionSource(virtualService.Id, "virtualHost.options"), virtualService.Namespace, filters);
        var context = new FlattenContext(index, clusters, routes, [virtualService.Id], statuses);
        AddRoutes(context, virtualService, virtualService.Spec.VirtualHost.Routes, "virtualHost.routes", hostOptions, parentPrefixes: []);
        return new CompiledVirtualHost($"{virtualService.Namespace}/{virtualService.Metadata.Name}", [.. routes])
        {
            Domains = [.. virtualService.Spec.VirtualHost.EffectiveDomains],
            Options = hostOptions,
        };
    }

    private void AddRoutes(FlattenContext context, Resource owner, IReadOnlyList<Route> routes, string path, MergedOptions inherited, string[] parentPrefixes)
    {
        for (var i = 0; i < routes.Count; i++)
        {
            var route = routes[i];
            var routePath = $"{path}[{i}]";
            // Most routes set no options: then neither provenance string is built (10,000-route reloads).
            var options = route.Options.IsEmpty ? inherited
                : inherited.Overlay(route.Options, $"{Describe(owner)} {routePath}.options", new OptionSource(owner.Id, $"{routePath}.options"), owner.Namespace, filters);
            if (route.DelegateAction is { } delegation)
            {
                string[] prefixes = [.. route.DelegationPrefixes];
                foreach (var target in DelegationResolver.Targets(delegation, owner.Namespace, context.Index))
                {
                    if (context.Index.Get<RouteTable>(target) is not { } table || context.Chain.Contains(target))
                    {
                        continue;
                    }

                    context.Chain.Add(target);
                    context.Delegations.Add(new OptionSource(owner.Id, routePath));
                    AddRoutes(context, table, table.Spec.Routes, "routes", options, prefixes);
                    context.Delegations.RemoveAt(context.Delegations.Count - 1);
                    context.Chain.RemoveAt(context.Chain.Count - 1);
                }

                continue;
            }

            var name = route.Name ?? $"{owner.Namespace}/{owner.Metadata.Name}/{routePath}";
            var (chain, chainOptions) = CompileFilters(options, context.Index);
            context.Routes.Add(new CompiledRoute
            {
                Name = name,
                Provenance = $"{Describe(owner)} {routePath}",
                Conditions = CompileConditions(route, parentPrefixes),
                Target = CompileTarget(context, owner, route, routePath, options),
                Filters = chain,
                Source = new OptionSource(owner.Id, routePath),
                DelegatedThrough = [.. context.Delegations],
                Options = options,
                FilterOptions = chainOptions,
            });
        }
    }

    private static RouteCondition[] CompileConditions(Route route, string[] parentPrefixes)
    {
        return [.. route.EffectiveMatchers.Select(matcher => CompileCondition(matcher, parentPrefixes))];
    }

    private static RouteCondition CompileCondition(Matcher matcher, string[] parentPrefixes)
    {
        var caseSensitive = matcher.CaseSensitive ?? true;
        var kind = matcher.Exact is not null ? PathMatchKind.Exact : matcher.Regex is not null ? PathMatchKind.Regex : PathMatchKind.Prefix;
        var pathRegex = kind == PathMatchKind.Regex && LinearRegex.TryCreate(matcher.Regex!, caseSensitive, wholeString: true, out var compiled, out _) ? compiled : null;
        return new RouteCondition
        {
            PathKind = kind,
            Path = matcher.Exact ?? matcher.Regex ?? matcher.Prefix ?? "/",
            PathRegex = pathRegex,
            CaseSensitive = caseSensitive,
            Methods = [.. matcher.Methods],

            // Prefix and exact children are already checked to lie under the parent; regex children are guarded.
            ParentPrefixes = kind == PathMatchKind.Regex ? parentPrefixes : [],
            Headers = [.. matcher.Headers.Select(h => new HeaderCondition(
                h.Name,
                h.Value,
                h.Regex && LinearRegex.TryCreate(h.Value ?? string.Empty, caseSensitive: true, wholeString: true, out var headerRegex, out _) ? headerRegex : null,
                h.InvertMatch))],
            QueryParameters = [.. matcher.QueryParameters.Select(q => new QueryCondition(
                q.Name,
                q.Value,
                q.Regex && LinearRegex.TryCreate(q.Value ?? string.Empty, caseSensitive: true, wholeString: true, out var queryRegex, out _) ? queryRegex : null))],
        };
    }

    private RouteTarget CompileTarget(FlattenContext context, Resource owner, Route route, string routePath, MergedOptions options)
    {
        if (route.DirectResponseAction is { } direct)
        {
            return new DirectResponseTarget((int)direct.Status, Encoding.UTF8.GetBytes(direct.Body ?? string.Empty));
        }

        if (route.RedirectAction is { } redirect)
        {
            return new RedirectTarget(redirect);
        }

        var action = route.RouteAction!;
        if (action.Single is { } single)
        {
            return new ForwardTarget([new WeightedCluster(Cluster(context, single.Upstream!.Resolve(ResourceKind.Upstream, owner.Namespace)), 1, null)]);
        }

        IReadOnlyList<WeightedDestination> destinations;
        string destinationOwnerNamespace;
        if (action.Multi is { } multi)
        {
            destinations = multi.Destinations;
            destinationOwnerNamespace = owner.Namespace;
        }
        else
        {
            var groupId = action.UpstreamGroup!.Resolve(ResourceKind.UpstreamGroup, owner.Namespace);
            var group = context.Index.Get<UpstreamGroup>(groupId);
            destinations = group?.Spec.Destinations ?? [];
            destinationOwnerNamespace = group?.Namespace ?? owner.Namespace;
            if (group is null)
            {
                return new ForwardTarget([new WeightedCluster(EmptyCluster($"{groupId.Namespace}/{groupId.Name} (missing UpstreamGroup)"), 1, null)]);
            }
        }

        var weighted = new List<WeightedCluster>();
        for (var d = 0; d < destinations.Count; d++)
        {
            var destination = destinations[d];
            if (destination.Weight == 0)
            {
                continue;
            }

            // A destination is written in the route (multi) or in the UpstreamGroup; provenance names the right one.
            var destinationSource = action.Multi is not null
                ? new OptionSource(owner.Id, $"{routePath}.routeAction.multi.destinations[{d}]")
                : new OptionSource(action.UpstreamGroup!.Resolve(ResourceKind.UpstreamGroup, owner.Namespace), $"destinations[{d}]");
            var destinationOptions = destination.Options.IsEmpty ? null
                : options.Overlay(destination.Options, $"{Describe(owner)} destinations[{d}].options", destinationSource with { FieldPath = destinationSource.FieldPath + ".options" }, owner.Namespace, filters);
            var (destinationFilters, destinationFilterOptions) = destinationOptions is null ? (null, []) : CompileFilters(destinationOptions, context.Index);
            weighted.Add(new WeightedCluster(
                Cluster(context, destination.Destination.Upstream!.Resolve(ResourceKind.Upstream, destinationOwnerNamespace)),
                destination.Weight,
                destinationFilters)
            {
                Options = destinationOptions,
                FilterOptions = destinationFilterOptions,
                Source = destinationSource,
            });
        }

        return new ForwardTarget([.. weighted]);
    }

    /// <summary>The chain in stage order, and the option each filter came from (index for index), for inspect.</summary>
    private (HttpFilter[] Chain, string[] Options) CompileFilters(MergedOptions options, ResourceIndex index)
    {
        var chain = new List<(HttpFilter Filter, string Option)>(options.Values.Count);
        foreach (var (name, option) in options.Values)
        {
            if (filters.TryGet(name, out var descriptor) && !descriptor.IsListenerSetting)
            {
                foreach (var filter in descriptor.CompileAll(option.Value, new SnapshotFilterContext(index, option.OwnerNamespace, option.Provenance, _filterState)))
                {
                    chain.Add((filter, name));
                }
            }
        }

        var ordered = chain.OrderBy(f => f.Filter.Stage).ThenBy(f => f.Filter.OrderInStage).ToList();
        return ([.. ordered.Select(f => f.Filter)], [.. ordered.Select(f => f.Option)]);
    }

    private UpstreamCluster Cluster(FlattenContext context, ResourceId id)
    {
        if (context.Clusters.TryGetValue(id, out var existing))
        {
            return existing;
        }

        var name = $"{id.Namespace}/{id.Name}";
        var upstream = context.Index.Get<Upstream>(id);
        UpstreamCluster cluster;
        if (upstream?.Spec.Static is not { } hosts)
        {
            cluster = EmptyCluster(name);
        }
        else
        {
            var tls = _upstreamTls.Compile(upstream, context.Index);
            if (tls.Diagnostic is { } diagnostic)
            {
                context.Statuses.Add(upstream.Id, diagnostic, served: tls.Usable);
            }

            // Without usable TLS material the upstream answers 503 naming why, rather than connecting with less.
            cluster = tls.Usable ? _clusters.Create(name, upstream.Spec, hosts, tls.Policy) : EmptyCluster($"{name} (its TLS certificate cannot be loaded; see its status)");
        }

        context.Clusters[id] = cluster;
        return cluster;
    }

    private static UpstreamCluster EmptyCluster(string name) => new(name, [], ForwarderRequestConfig.Empty);

    private static string Describe(Resource resource) => $"{resource.Kind} {resource.Namespace}/{resource.Metadata.Name}";

    /// <param name="Statuses">Where problems found while building clusters go (an upstream's certificate that does not load).</param>
    private sealed record FlattenContext(ResourceIndex Index, Dictionary<ResourceId, UpstreamCluster> Clusters, List<CompiledRoute> Routes, List<ResourceId> Chain, TranslationStatuses Statuses)
    {
        /// <summary>The delegating routes on the way to the routes being added, outermost first.</summary>
        public List<OptionSource> Delegations { get; } = [];
    }
}
