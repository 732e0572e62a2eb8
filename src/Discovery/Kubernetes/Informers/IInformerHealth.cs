namespace Sluice.Discovery.Kubernetes.Informers;

/// <summary>What readiness and metrics need to know about an informer.</summary>
public interface IInformerHealth
{
    string Resource { get; }

    bool HasSynced { get; }

    bool IsWatching { get; }

    int Relists { get; }

    int WatchRestarts { get; }

    /// <summary>The last time the API server answered this informer (a list, an event or a bookmark).</summary>
    DateTimeOffset? LastContact { get; }
}
