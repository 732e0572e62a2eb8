using Sluice.Discovery.Graph;
using Sluice.Discovery.Model;

namespace Sluice.Discovery.Snapshots;

/// <summary>
/// An immutable, versioned view of what the gateway should serve: the effective resources (new versions where valid,
/// last-good versions where not) and the status of every resource known, with reasons.
/// </summary>
public sealed record ResourceSnapshot(
    long Version,
    DateTimeOffset CreatedAt,
    ResourceIndex Effective,
    IReadOnlyList<ResourceStatus> Statuses,
    IReadOnlyList<Diagnostic> FileDiagnostics)
{
    public static ResourceSnapshot Empty { get; } = new(0, DateTimeOffset.UnixEpoch, new ResourceIndex([]), [], []);

    public IEnumerable<Diagnostic> AllDiagnostics => FileDiagnostics.Concat(Statuses.SelectMany(s => s.Reasons));

    public bool HasRejections => Statuses.Any(s => s.State == ResourceState.Rejected) || FileDiagnostics.Any(d => d.IsError);
}
