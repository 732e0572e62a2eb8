using System.Collections.Frozen;
using System.Net.Security;
using System.Runtime.CompilerServices;
using System.Security.Cryptography.X509Certificates;
using Sluice.Discovery.Snapshots;
using Sluice.Gateway.DataPlane;
using Sluice.Gateway.Listeners;
using Sluice.Gateway.Routing;

namespace Sluice.Gateway.Configuration;

/// <summary>
/// Everything the request path reads, compiled from one resource snapshot and swapped in by one reference
/// assignment. Immutable: a request holds the instance it started with until it ends.
/// </summary>
internal sealed class CompiledConfig
{
    public static CompiledConfig Empty { get; } = new(ResourceSnapshot.Empty, FrozenDictionary<int, CompiledListener>.Empty, FrozenDictionary<string, UpstreamCluster>.Empty);

    public CompiledConfig(ResourceSnapshot source, FrozenDictionary<int, CompiledListener> listeners, FrozenDictionary<string, UpstreamCluster> clusters)
    {
        Source = source;
        Listeners = listeners;
        Clusters = clusters;
    }

    /// <summary>Every upstream by <c>namespace/name</c>, for features that send to an upstream a route does not name (shadowing).</summary>
    public FrozenDictionary<string, UpstreamCluster> Clusters { get; }

    public ResourceSnapshot Source { get; }

    public long Version => Source.Version;

    public FrozenDictionary<int, CompiledListener> Listeners { get; }
}

/// <summary>One listener: where it binds and what it serves.</summary>
internal sealed class CompiledListener
{
    public required string Name { get; init; }

    public required string BindAddress { get; init; }

    public required int Port { get; init; }

    public required bool Ssl { get; init; }

    public required VirtualHostTable Hosts { get; init; }

    public required ServerCertificates Certificates { get; init; }

    /// <summary>The Gateway's httpConnectionManagerSettings with edge defaults: client address trust, limits, normalization.</summary>
    public ListenerSettings Settings { get; init; } = ListenerSettings.Default;

    /// <summary>The listener's access logs (its Gateway's <c>options.accessLoggingService</c>); null when it has none.</summary>
    public Telemetry.AccessLogs.AccessLogPolicy? AccessLog { get; init; }
}

/// <summary>SNI name to certificate for one TLS listener, with Envoy's domain precedence and a default.</summary>
internal sealed class ServerCertificates(IReadOnlyList<(string Domain, X509Certificate2 Certificate)> byDomain, X509Certificate2? fallback)
{
    public static ServerCertificates None { get; } = new([], null);

    private readonly FrozenDictionary<string, X509Certificate2> _exact = byDomain
        .Where(d => !d.Domain.Contains('*'))
        .GroupBy(d => d.Domain, StringComparer.OrdinalIgnoreCase)
        .ToFrozenDictionary(g => g.Key, g => g.First().Certificate, StringComparer.OrdinalIgnoreCase);

    private readonly (string Suffix, X509Certificate2 Certificate)[] _wildcards = [.. byDomain
        .Where(d => d.Domain.StartsWith('*') && d.Domain.Length > 1)
        .Select(d => (d.Domain[1..], d.Certificate))
        .OrderByDescending(d => d.Item1.Length)];

    // One handshake context per certificate, kept while the certificate lives: building it walks the chain, which
    // Kestrel's ServerCertificateSelector path repeated on every handshake (2.4x yarp-min's CPU per TLS connection).
    private static readonly ConditionalWeakTable<X509Certificate2, SslStreamCertificateContext> Contexts = new();

    public X509Certificate2? Fallback { get; } = fallback;

    /// <summary>TLS options for one handshake: the certificate SNI picks, with its cached context, and ALPN h2/http1.1.</summary>
    public SslServerAuthenticationOptions? SelectOptions(string? serverName)
    {
        var certificate = Select(serverName);
        if (certificate is null)
        {
            return null;
        }

        return new SslServerAuthenticationOptions
        {
            ServerCertificateContext = Contexts.GetValue(certificate, static c => SslStreamCertificateContext.Create(c, additionalCertificates: null, offline: true)),
            ApplicationProtocols = ApplicationProtocols,
        };
    }

    private static readonly List<SslApplicationProtocol> ApplicationProtocols = [SslApplicationProtocol.Http2, SslApplicationProtocol.Http11];

    public X509Certificate2? Select(string? serverName)
    {
        if (string.IsNullOrEmpty(serverName))
        {
            return Fallback;
        }

        if (_exact.TryGetValue(serverName, out var certificate))
        {
            return certificate;
        }

        foreach (var (suffix, candidate) in _wildcards)
        {
            if (serverName.Length > suffix.Length && serverName.EndsWith(suffix, StringComparison.OrdinalIgnoreCase))
            {
                return candidate;
            }
        }

        return Fallback;
    }
}
