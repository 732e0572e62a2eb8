using Sluice.Discovery.Model;

namespace Sluice.Discovery.Snapshots;

public enum ResourceState
{
    Accepted,
    Warning,
    Rejected,
}

/// <summary>
/// What happened to one resource in a snapshot. <see cref="ServingLastGood"/> is true when the current definition was
/// rejected but an earlier accepted version still serves; the reasons say why.
/// </summary>
public sealed record ResourceStatus(
    ResourceId Id,
    ResourceState State,
    IReadOnlyList<Diagnostic> Reasons,
    bool Served,
    bool ServingLastGood,
    string? File);
