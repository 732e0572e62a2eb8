using System.Collections.Frozen;
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

    /// <summary>What upstreams learn about verified client certificates (<c>x-forwarded-client-cert</c>).</summary>
    public ClientCertForwarding ClientCertForwarding { get; init; } = ClientCertForwarding.Sanitize;

    /// <summary>The Gateway's httpConnectionManagerSettings with edge defaults: client address trust, limits, normalization.</summary>
    public ListenerSettings Settings { get; init; } = ListenerSettings.Default;

    /// <summary>The listener's access logs (its Gateway's <c>options.accessLoggingService</c>); null when it has none.</summary>
    public Telemetry.AccessLogs.AccessLogPolicy? AccessLog { get; init; }
}
