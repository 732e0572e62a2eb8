using System.Runtime.CompilerServices;
using System.Security.Cryptography.X509Certificates;
using Sluice.Discovery.Model;
using Sluice.Discovery.Tls;
using Sluice.Gateway.Listeners;
using Sluice.Gateway.Upstreams;

namespace Sluice.Gateway.Translation;

/// <summary>
/// The long-lived TLS state behind translation, kept across snapshots: parsed certificates by the digest of their
/// bytes (parsed again only when the bytes change), each virtual service's current and last good server TLS context
/// (a certificate that breaks keeps the last good one serving), and the certificate files to watch. Used by one
/// translation at a time (translations are serialized by the config store).
/// </summary>
internal sealed class CertificateCache
{
    private readonly Lock _lock = new();
    private Dictionary<string, TlsMaterial> _materials = new(StringComparer.Ordinal);
    private Dictionary<string, TlsMaterial> _nextMaterials = new(StringComparer.Ordinal);
    private Dictionary<ResourceId, ServerTlsContext> _serverContexts = [];
    private Dictionary<ResourceId, ServerTlsContext> _nextServerContexts = [];
    private HashSet<string> _files = new(StringComparer.Ordinal);
    private HashSet<string> _nextFiles = new(StringComparer.Ordinal);
    private Dictionary<ResourceId, ClientCertificateSlot> _slots = [];
    private Dictionary<ResourceId, ClientCertificateSlot> _nextSlots = [];
    private Dictionary<ResourceId, UpstreamTlsPolicy> _upstreamPolicies = [];
    private Dictionary<ResourceId, UpstreamTlsPolicy> _nextUpstreamPolicies = [];

    private readonly System.Collections.Concurrent.ConcurrentDictionary<(string Cert, string Key), (DateTime CertTime, DateTime KeyTime, X509Certificate2 Certificate)> _pairs = new();

    /// <summary>
    /// A PEM certificate and key pair from files, reloaded when either file's modification time changes (the admission
    /// webhook's serving certificate). Virtual services go through <see cref="Parse"/> instead.
    /// </summary>
    public bool TryLoad(string certPath, string keyPath, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out X509Certificate2? certificate)
    {
        certificate = null;
        try
        {
            var certTime = File.GetLastWriteTimeUtc(certPath);
            var keyTime = File.GetLastWriteTimeUtc(keyPath);
            if (_pairs.TryGetValue((certPath, keyPath), out var cached) && cached.CertTime == certTime && cached.KeyTime == keyTime)
            {
                certificate = cached.Certificate;
                return true;
            }

            using var pem = X509Certificate2.CreateFromPemFile(certPath, keyPath);
            certificate = X509CertificateLoader.LoadPkcs12(pem.Export(X509ContentType.Pkcs12), password: null);
            _pairs[(certPath, keyPath)] = (certTime, keyTime, certificate);
            return true;
        }
        catch (Exception ex) when (ex is IOException or System.Security.Cryptography.CryptographicException or UnauthorizedAccessException or ArgumentException)
        {
            return false;
        }
    }

    /// <summary>Loads a PEM pair; the problem in words when it cannot be loaded.</summary>
    public static string? Problem(string certPath, string keyPath)
    {
        try
        {
            using var certificate = X509Certificate2.CreateFromPemFile(certPath, keyPath);
            return certificate.HasPrivateKey ? null : "the key does not belong to the certificate";
        }
        catch (Exception ex) when (ex is IOException or System.Security.Cryptography.CryptographicException or UnauthorizedAccessException or ArgumentException)
        {
            return ex.Message;
        }
    }

    /// <summary>The certificate files the last translation read (or tried to), for the file watcher.</summary>
    public IReadOnlyCollection<string> WatchedFiles
    {
        get
        {
            lock (_lock)
            {
                return [.. _files];
            }
        }
    }

    /// <summary>Starts a translation: what it does not touch is forgotten when it ends.</summary>
    public void BeginTranslation()
    {
        lock (_lock)
        {
            _nextMaterials = new(StringComparer.Ordinal);
            _nextServerContexts = [];
            _nextFiles = new(StringComparer.Ordinal);
            _nextSlots = [];
            _nextUpstreamPolicies = [];
        }
    }

    public void EndTranslation()
    {
        lock (_lock)
        {
            _materials = _nextMaterials;
            _files = _nextFiles;

            // A virtual service that is gone forgets its last good certificate; one that is still there keeps it.
            _serverContexts = _nextServerContexts;
            _slots = _nextSlots;
            _upstreamPolicies = _nextUpstreamPolicies;
        }
    }

    public void Watch(SslFiles? files)
    {
        if (files is null)
        {
            return;
        }

        lock (_lock)
        {
            foreach (var path in (ReadOnlySpan<string?>)[files.TlsCert, files.TlsKey, files.RootCa])
            {
                if (!string.IsNullOrEmpty(path))
                {
                    _nextFiles.Add(Path.GetFullPath(path));
                }
            }
        }
    }

    /// <summary>The parsed material for <paramref name="source"/>; the same instance while its bytes stay the same.</summary>
    public TlsMaterial? Parse(TlsSource source, bool certificateRequired, out string? problem)
    {
        problem = null;
        var key = $"{source.Digest}|{certificateRequired}";
        lock (_lock)
        {
            if (_nextMaterials.TryGetValue(key, out var known) || _materials.TryGetValue(key, out known))
            {
                _nextMaterials[key] = known;
                return known;
            }
        }

        var material = TlsMaterial.Parse(source, certificateRequired, out problem);
        if (material is not null)
        {
            lock (_lock)
            {
                _nextMaterials[key] = material;
            }
        }

        return material;
    }

    /// <summary>
    /// The server context for a virtual service with this material and these settings: the one already built when
    /// both are unchanged (so connections compare contexts by reference), a new one otherwise. It becomes the
    /// virtual service's last good context.
    /// </summary>
    public ServerTlsContext ServerContext(ResourceId virtualService, TlsMaterial material, ServerTlsSettings settings)
    {
        lock (_lock)
        {
            if (_serverContexts.TryGetValue(virtualService, out var existing) &&
                ReferenceEquals(existing.Certificate, material.Certificate) && existing.Settings.Key == settings.Key)
            {
                _nextServerContexts[virtualService] = existing;
                return existing;
            }
        }

        var context = new ServerTlsContext($"{virtualService.Namespace}/{virtualService.Name}", material.Certificate!, material.Intermediates, settings);
        lock (_lock)
        {
            _nextServerContexts[virtualService] = context;
        }

        return context;
    }

    /// <summary>
    /// A context with the default settings for a certificate loaded elsewhere (Ingress TLS Secrets): one per
    /// certificate instance, kept while the certificate lives, so its chain context is built once.
    /// </summary>
    public ServerTlsContext DefaultServerContext(X509Certificate2 certificate) =>
        DefaultContexts.GetValue(certificate, static c => new ServerTlsContext("ingress", c, [], DefaultSettings));

    private static readonly ConditionalWeakTable<X509Certificate2, ServerTlsContext> DefaultContexts = new();

    private static readonly ServerTlsSettings DefaultSettings = new(TlsParameterNames.DefaultProtocols, null, [], null, []);

    /// <summary>The context the virtual service served with before its certificate broke; kept for the next snapshot too.</summary>
    public ServerTlsContext? LastGoodServerContext(ResourceId virtualService)
    {
        lock (_lock)
        {
            if (_nextServerContexts.TryGetValue(virtualService, out var current) || _serverContexts.TryGetValue(virtualService, out current))
            {
                _nextServerContexts[virtualService] = current;
                return current;
            }

            return null;
        }
    }

    /// <summary>The upstream's client certificate slot, the same object for as long as the upstream exists.</summary>
    public ClientCertificateSlot Slot(ResourceId upstream)
    {
        lock (_lock)
        {
            if (!_nextSlots.TryGetValue(upstream, out var slot) && !_slots.TryGetValue(upstream, out slot))
            {
                slot = new ClientCertificateSlot();
            }

            _nextSlots[upstream] = slot;
            return slot;
        }
    }

    /// <summary>Records the upstream's policy as its last good one.</summary>
    public void AcceptUpstreamPolicy(ResourceId upstream, UpstreamTlsPolicy policy)
    {
        lock (_lock)
        {
            _nextUpstreamPolicies[upstream] = policy;
        }
    }

    /// <summary>The policy the upstream had before its certificate broke; kept for the next snapshot too.</summary>
    public UpstreamTlsPolicy? LastGoodUpstreamPolicy(ResourceId upstream)
    {
        lock (_lock)
        {
            if (_nextUpstreamPolicies.TryGetValue(upstream, out var policy) || _upstreamPolicies.TryGetValue(upstream, out policy))
            {
                _nextUpstreamPolicies[upstream] = policy;
                if (policy.ClientCertificate is { } slot)
                {
                    _nextSlots[upstream] = slot;
                }

                return policy;
            }

            return null;
        }
    }
}
