using k8s;
using k8s.Models;
using Microsoft.Extensions.Logging;
using Sluice.Discovery.Kubernetes.Informers;
using Sluice.Discovery.Kubernetes.ServiceDiscovery;
using Sluice.Discovery.Loading;
using Sluice.Discovery.Model;

namespace Sluice.Discovery.Kubernetes;

/// <summary>
/// The cluster as a resource source: informers on Sluice's CRDs (and Gloo's, behind a flag), Services,
/// EndpointSlices, Secrets and, with a namespace selector, Namespaces. <see cref="Scan"/> turns their caches into
/// loaded documents through the same loader as files, so validation and diagnostics are identical; it resolves
/// <c>kube</c> upstreams to the endpoints of their Service port, adds one discovered Upstream per Service port and
/// only the Secrets something references. <see cref="Changed"/> fires when the next scan would differ.
/// </summary>
public sealed partial class KubernetesResourceSource : IResourceSource, Ingress.IServicePortResolver, IAsyncDisposable
{
    private readonly KubernetesSourceOptions _options;
    private readonly ResourceFileLoader _loader;
    private readonly ILogger _logger;
    private readonly List<(WatchedKind Kind, Informer<CustomResource> Informer)> _custom = [];
    private readonly List<Informer<V1Service>> _services = [];
    private readonly List<Informer<V1EndpointSlice>> _slices = [];
    private readonly List<Informer<V1Secret>> _secrets = [];
    private readonly Informer<V1Namespace>? _namespaces;
    private readonly List<IInformerHealth> _all = [];
    private readonly Lock _scanLock = new();
    private readonly CancellationTokenSource _stop = new();
    private readonly List<Task> _loops = [];
    private Dictionary<string, LoadedFile> _loadedByText = new(StringComparer.Ordinal);
    private HashSet<(string Namespace, string Name)> _referencedSecrets = [];
    private Dictionary<string, long> _generations = new(StringComparer.Ordinal);
    private int _disposed;

    public KubernetesResourceSource(IKubernetes client, KubernetesSourceOptions options, ResourceFileLoader loader, TimeProvider time, ILoggerFactory loggers)
    {
        _options = options;
        _loader = loader;
        _logger = loggers.CreateLogger("Sluice.Kubernetes");
        var informerLogger = loggers.CreateLogger("Sluice.Kubernetes.Informer");
        var random = new Random();
        var scopes = options.Namespaces.Count == 0 ? [null] : options.Namespaces.Select(n => (string?)n).ToArray();
        Informer<T> Add<T>(IListWatchClient<T> client)
            where T : IKubernetesObject<V1ObjectMeta>
        {
            var informer = new Informer<T>(client, options.Informer, time, random, informerLogger);
            _all.Add(informer);
            return informer;
        }

        foreach (var kind in WatchedKind.All(options.GlooCrds))
        {
            foreach (var ns in kind.ClusterScoped ? [null] : scopes)
            {
                var informer = Add(KubernetesApi.CustomResources(client, kind.Group, kind.Version, kind.Plural, ns));
                informer.Changed += change => OnCustomChanged(change);
                _custom.Add((kind, informer));
            }
        }

        foreach (var ns in scopes)
        {
            var services = Add(KubernetesApi.Services(client, ns, options.ServiceSelector));
            services.Changed += _ => RaiseChanged();
            _services.Add(services);
            var slices = Add(KubernetesApi.EndpointSlices(client, ns));
            slices.Changed += _ => RaiseChanged();
            _slices.Add(slices);
            var secrets = Add(KubernetesApi.Secrets(client, ns));
            secrets.Changed += OnSecretChanged;
            _secrets.Add(secrets);
        }

        if (options.NamespaceSelector is not null)
        {
            _namespaces = Add(KubernetesApi.Namespaces(client, options.NamespaceSelector));
            _namespaces.Changed += _ => RaiseChanged();
        }
    }

    /// <summary>Raised on an informer's thread whenever the next <see cref="Scan"/> may differ; callers debounce.</summary>
    public event Action? Changed;

    public IReadOnlyList<IInformerHealth> Informers => _all;

    public bool HasSynced => _all.All(i => i.HasSynced);

    /// <summary>True while every watch is connected; false while the API server is unreachable (the caches keep serving).</summary>
    public bool IsConnected => _all.All(i => i.IsWatching);

    public void Start()
    {
        foreach (var (_, informer) in _custom)
        {
            _loops.Add(informer.RunAsync(_stop.Token));
        }

        _loops.AddRange(_services.Select(i => i.RunAsync(_stop.Token)));
        _loops.AddRange(_slices.Select(i => i.RunAsync(_stop.Token)));
        _loops.AddRange(_secrets.Select(i => i.RunAsync(_stop.Token)));
        if (_namespaces is not null)
        {
            _loops.Add(_namespaces.RunAsync(_stop.Token));
        }
    }

    public Task WaitForSyncAsync(CancellationToken cancellationToken)
    {
        var synced = new List<Task>();
        synced.AddRange(_custom.Select(c => c.Informer.Synced));
        synced.AddRange(_services.Select(i => i.Synced));
        synced.AddRange(_slices.Select(i => i.Synced));
        synced.AddRange(_secrets.Select(i => i.Synced));
        if (_namespaces is not null)
        {
            synced.Add(_namespaces.Synced);
        }

        return Task.WhenAll(synced).WaitAsync(cancellationToken);
    }

    /// <summary>The generation of every cluster object in the last scan, by origin, for <c>status.observedGeneration</c>.</summary>
    public IReadOnlyDictionary<string, long> ScannedGenerations
    {
        get
        {
            lock (_scanLock)
            {
                return _generations;
            }
        }
    }

    /// <summary>The cached object a status belongs to, by origin.</summary>
    public CustomResource? FindCustom(string origin)
    {
        if (!KubernetesDocuments.TryParseOrigin(origin, out var group, out var kindName, out var ns, out var name))
        {
            return null;
        }

        foreach (var (kind, informer) in _custom)
        {
            if (kind.Group == group && kind.KindName == kindName && informer.TryGet(kind.ClusterScoped ? null : ns, name, out var item))
            {
                return item;
            }
        }

        return null;
    }

    public WatchedKind? KindOf(string origin)
    {
        if (!KubernetesDocuments.TryParseOrigin(origin, out var group, out var kindName, out _, out _))
        {
            return null;
        }

        foreach (var (kind, _) in _custom)
        {
            if (kind.Group == group && kind.KindName == kindName)
            {
                return kind;
            }
        }

        return null;
    }

    /// <summary>An Ingress backend's named port, from the Service cache.</summary>
    public bool TryResolvePort(string ns, string service, string portName, out int port)
    {
        foreach (var informer in _services)
        {
            if (informer.TryGet(ns, service, out var found))
            {
                foreach (var candidate in found.Spec?.Ports ?? [])
                {
                    if (candidate.Name == portName)
                    {
                        port = candidate.Port;
                        return true;
                    }
                }
            }
        }

        port = 0;
        return false;
    }

    /// <summary>A Service from the cache (for the address written to owned Ingresses).</summary>
    public V1Service? FindService(string ns, string name)
    {
        foreach (var informer in _services)
        {
            if (informer.TryGet(ns, name, out var found))
            {
                return found;
            }
        }

        return null;
    }

    public IReadOnlyList<LoadedFile> Scan()
    {
        lock (_scanLock)
        {
            var inScope = NamespacesInScope();
            var files = new List<LoadedFile>();
            var loaded = new Dictionary<string, LoadedFile>(StringComparer.Ordinal);
            var generations = new Dictionary<string, long>(StringComparer.Ordinal);
            var secretRefs = new HashSet<(string, string)>();
            foreach (var (kind, informer) in _custom)
            {
                foreach (var item in informer.Items)
                {
                    if (!kind.ClusterScoped && !InScope(inScope, item.Metadata.NamespaceProperty))
                    {
                        continue;
                    }

                    var origin = KubernetesDocuments.OriginOf(kind.Group, kind.KindName, item.Metadata.NamespaceProperty, item.Metadata.Name);
                    files.Add(Load(origin, KubernetesDocuments.CustomResourceText(item), loaded));
                    generations[origin] = item.Metadata.Generation ?? 0;
                    SecretReferences.Collect(item, secretRefs);
                }
            }

            var services = IndexServices(inScope);
            var slices = IndexSlices(inScope);
            if (_options.DiscoverServices)
            {
                foreach (var service in services.Values)
                {
                    if (service.Spec?.Type == "ExternalName")
                    {
                        continue;
                    }

                    foreach (var port in service.Spec?.Ports ?? [])
                    {
                        var origin = KubernetesDocuments.OriginOf(string.Empty, "Service", service.Metadata.NamespaceProperty, $"{service.Metadata.Name}:{port.Port}");
                        files.Add(Load(origin, KubernetesDocuments.DiscoveredUpstreamText(service, port), loaded));
                    }
                }
            }

            foreach (var informer in _secrets)
            {
                foreach (var secret in informer.Items)
                {
                    if (secretRefs.Contains((secret.Metadata.NamespaceProperty ?? string.Empty, secret.Metadata.Name)) && InScope(inScope, secret.Metadata.NamespaceProperty))
                    {
                        var origin = KubernetesDocuments.OriginOf(string.Empty, "Secret", secret.Metadata.NamespaceProperty, secret.Metadata.Name);
                        files.Add(Load(origin, KubernetesDocuments.SecretText(secret), loaded));
                    }
                }
            }

            _loadedByText = loaded;
            _referencedSecrets = secretRefs;
            _generations = generations;
            return ResolveKubeUpstreams(files, services, slices);
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1)
        {
            return;
        }

        await _stop.CancelAsync().ConfigureAwait(false);
        try
        {
            await Task.WhenAll(_loops).WaitAsync(TimeSpan.FromSeconds(10)).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is OperationCanceledException or TimeoutException)
        {
        }

        _stop.Dispose();
    }

    /// <summary>Loads through the file loader, reusing the previous result for an unchanged text.</summary>
    private LoadedFile Load(string origin, string text, Dictionary<string, LoadedFile> loaded)
    {
        var key = origin + "\n" + text;
        if (!_loadedByText.TryGetValue(key, out var file))
        {
            try
            {
                file = _loader.Load(origin, text);
            }
            catch (Exception ex) when (ex is not OutOfMemoryException)
            {
                file = new LoadedFile(origin, text, [new LoadedDocument(null, null,
                [
                    new Diagnostic(DiagnosticSeverity.Error, origin, new SourcePosition(1, 1), "Document", "-", "-", string.Empty, $"the object could not be read: {ex.Message}"),
                ])], Unreadable: true);
            }
        }

        loaded[key] = file;
        return file;
    }

    /// <summary>A <c>kube</c> upstream serves the current endpoints of its Service port; resolved on every scan, so an
    /// endpoint change never re-parses anything.</summary>
    private static List<LoadedFile> ResolveKubeUpstreams(List<LoadedFile> files, Dictionary<(string, string), V1Service> services, Dictionary<(string, string), List<V1EndpointSlice>> slices)
    {
        var result = new List<LoadedFile>(files.Count);
        foreach (var file in files)
        {
            if (!file.Documents.Any(d => d.Resource is Upstream { Spec.Kube: not null }))
            {
                result.Add(file);
                continue;
            }

            var documents = new List<LoadedDocument>();
            foreach (var document in file.Documents)
            {
                if (document.Resource is not Upstream { Spec.Kube: { } kube } upstream)
                {
                    documents.Add(document);
                    continue;
                }

                var ns = string.IsNullOrEmpty(kube.ServiceNamespace) ? upstream.Namespace : kube.ServiceNamespace;
                var diagnostics = new List<Diagnostic>(document.Diagnostics);
                var hosts = new List<StaticHost>();
                if (!services.TryGetValue((ns, kube.ServiceName), out var service))
                {
                    diagnostics.Add(Warning(upstream, "kube.serviceName", $"Service {ns}/{kube.ServiceName} does not exist (or is not watched); the upstream has no endpoints"));
                }
                else if (service.Spec?.Ports?.FirstOrDefault(p => p.Port == kube.ServicePort) is not { } port)
                {
                    diagnostics.Add(Warning(upstream, "kube.servicePort", $"Service {ns}/{kube.ServiceName} has no port {kube.ServicePort}"));
                }
                else
                {
                    var endpoints = EndpointSliceResolver.Resolve(port.Name, slices.GetValueOrDefault((ns, kube.ServiceName)) ?? []);
                    foreach (var endpoint in endpoints)
                    {
                        hosts.Add(new StaticHost { Addr = endpoint.Address, Port = (uint)endpoint.Port });
                    }
                }

                var resolved = upstream with { Spec = upstream.Spec with { Static = new StaticUpstream { Hosts = hosts } } };
                documents.Add(document with { Resource = resolved, Diagnostics = diagnostics });
            }

            result.Add(file with { Documents = documents });
        }

        return result;
    }

    private static Diagnostic Warning(Upstream upstream, string field, string message) =>
        new(DiagnosticSeverity.Warning, upstream.Origin.File, upstream.Origin.PositionOf(field), upstream.Kind.ToString(), upstream.Namespace, upstream.Metadata.Name, field, message);

    private Dictionary<(string, string), V1Service> IndexServices(HashSet<string>? inScope)
    {
        var index = new Dictionary<(string, string), V1Service>();
        foreach (var informer in _services)
        {
            foreach (var service in informer.Items)
            {
                if (InScope(inScope, service.Metadata.NamespaceProperty))
                {
                    index[(service.Metadata.NamespaceProperty ?? "default", service.Metadata.Name)] = service;
                }
            }
        }

        return index;
    }

    private Dictionary<(string, string), List<V1EndpointSlice>> IndexSlices(HashSet<string>? inScope)
    {
        var index = new Dictionary<(string, string), List<V1EndpointSlice>>();
        foreach (var informer in _slices)
        {
            foreach (var slice in informer.Items)
            {
                if (slice.Metadata.Labels?.TryGetValue(EndpointSliceResolver.ServiceNameLabel, out var service) == true && InScope(inScope, slice.Metadata.NamespaceProperty))
                {
                    var key = (slice.Metadata.NamespaceProperty ?? "default", service);
                    if (!index.TryGetValue(key, out var list))
                    {
                        index[key] = list = [];
                    }

                    list.Add(slice);
                }
            }
        }

        return index;
    }

    private HashSet<string>? NamespacesInScope() =>
        _namespaces is null ? null : _namespaces.Items.Select(n => n.Metadata.Name).ToHashSet(StringComparer.Ordinal);

    private static bool InScope(HashSet<string>? inScope, string? ns) => inScope is null || (ns is not null && inScope.Contains(ns));

    private void OnCustomChanged(InformerEvent<CustomResource> change)
    {
        // Our own status writes come back as modifications; they change nothing we serve and must not cause a rebuild.
        if (change.Type == InformerEventType.Modified && change.Previous is { } previous
            && KubernetesDocuments.CustomResourceText(previous) == KubernetesDocuments.CustomResourceText(change.Item))
        {
            return;
        }

        RaiseChanged();
    }

    private void OnSecretChanged(InformerEvent<V1Secret> change)
    {
        HashSet<(string, string)> referenced;
        lock (_scanLock)
        {
            referenced = _referencedSecrets;
        }

        if (referenced.Contains((change.Item.Metadata.NamespaceProperty ?? string.Empty, change.Item.Metadata.Name)))
        {
            RaiseChanged();
        }
    }

    private void RaiseChanged()
    {
        try
        {
            Changed?.Invoke();
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            LogChangeHandlerFailed(ex);
        }
    }

    [LoggerMessage(EventId = 110, Level = LogLevel.Error, Message = "Handling a change from the cluster failed")]
    private partial void LogChangeHandlerFailed(Exception exception);
}
