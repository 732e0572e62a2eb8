using Sluice.Discovery.Model;
using Sluice.Discovery.Snapshots;

namespace Sluice.Gateway.Translation;

/// <summary>
/// Problems found while translating (a certificate that does not load), added to the statuses the snapshot builder
/// decided, so the admin API and the log show them on the resource they concern.
/// </summary>
internal sealed class TranslationStatuses
{
    private readonly Dictionary<ResourceId, List<Diagnostic>> _found = [];
    private readonly HashSet<ResourceId> _notServed = [];

    public void Add(ResourceId id, Diagnostic diagnostic, bool served)
    {
        if (!_found.TryGetValue(id, out var list))
        {
            _found[id] = list = [];
        }

        if (!list.Contains(diagnostic))
        {
            list.Add(diagnostic);
        }

        if (!served)
        {
            _notServed.Add(id);
        }
    }

    public ResourceSnapshot Apply(ResourceSnapshot snapshot)
    {
        if (_found.Count == 0)
        {
            return snapshot;
        }

        var statuses = new List<ResourceStatus>(snapshot.Statuses.Count);
        foreach (var status in snapshot.Statuses)
        {
            if (!_found.TryGetValue(status.Id, out var found))
            {
                statuses.Add(status);
                continue;
            }

            var hasError = found.Exists(d => d.IsError);
            var state = hasError ? ResourceState.Rejected : status.State == ResourceState.Accepted ? ResourceState.Warning : status.State;
            var notServed = _notServed.Contains(status.Id);
            statuses.Add(status with
            {
                State = state,
                Reasons = [.. status.Reasons, .. found],
                Served = status.Served && !notServed,
                ServingLastGood = status.ServingLastGood && !notServed,
            });
        }

        return snapshot with { Statuses = statuses };
    }
}
