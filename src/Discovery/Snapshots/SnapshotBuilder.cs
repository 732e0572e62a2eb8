using Sluice.Discovery.Graph;
using Sluice.Discovery.Ingress;
using Sluice.Discovery.Loading;
using Sluice.Discovery.Model;
using Sluice.Discovery.Validation;

namespace Sluice.Discovery.Snapshots;

/// <summary>
/// Turns what the sources loaded into the next snapshot, resource by resource: a valid new version replaces the
/// served one; an invalid one is rejected alone and its last accepted version keeps serving. Cross-resource checks
/// run on the candidate set until it is stable, so a fallback is itself checked against everything else.
/// </summary>
public static class SnapshotBuilder
{
    public static ResourceSnapshot Build(
        IReadOnlyList<LoadedFile> files,
        LastGoodResources lastGood,
        ResourceSnapshot previous,
        TimeProvider time,
        IngressConverter? ingress = null)
    {
        var reasons = new Dictionary<ResourceId, List<Diagnostic>>();
        var origins = new Dictionary<ResourceId, string>();
        var candidates = new Dictionary<ResourceId, Candidate>();
        var fileDiagnostics = new List<Diagnostic>();
        var rejectedNew = new HashSet<ResourceId>();

        CollectCandidates(files, lastGood, reasons, origins, candidates, fileDiagnostics, rejectedNew);
        KeepLastGoodOfUnreadableFiles(files, lastGood, reasons, origins, candidates);

        var incumbents = IncumbentDomains(previous);
        var defined = origins.Keys.ToHashSet();
        while (true)
        {
            var index = new ResourceIndex(candidates.Values.Select(c => c.Resource), defined);
            var problems = CrossResourceValidator.Validate(index, incumbents, ingress);
            var changed = false;
            var problemsById = problems.GroupBy(p => p.Id).ToDictionary(g => g.Key, g => g.ToList());
            foreach (var (id, found) in problemsById)
            {
                if (!candidates.TryGetValue(id, out var candidate))
                {
                    continue;
                }

                var errors = found.Where(p => p.Diagnostic.IsError).ToList();
                if (errors.Count == 0)
                {
                    continue;
                }

                if (!candidate.IsLastGood)
                {
                    AddReasons(reasons, id, errors.Select(e => e.Diagnostic));
                    rejectedNew.Add(id);
                    if (lastGood.TryGet(id, out var fallback))
                    {
                        candidates[id] = new Candidate(fallback, IsLastGood: true);
                    }
                    else
                    {
                        candidates.Remove(id);
                    }

                    changed = true;
                }
                else if (errors.Any(e => e.Blocking))
                {
                    AddReasons(reasons, id, errors.Where(e => e.Blocking).Select(e => e.Diagnostic));
                    candidates.Remove(id);
                    changed = true;
                }
            }

            if (changed)
            {
                continue;
            }

            // Stable: record the remaining (non-blocking) problems on the served versions.
            foreach (var problem in problems)
            {
                if (candidates.ContainsKey(problem.Id) && (candidates[problem.Id].IsLastGood || !problem.Diagnostic.IsError))
                {
                    AddReasons(reasons, problem.Id, [problem.Diagnostic]);
                }
            }

            var statuses = BuildStatuses(reasons, origins, candidates, rejectedNew);
            foreach (var (id, candidate) in candidates)
            {
                if (!candidate.IsLastGood)
                {
                    lastGood.Accept(candidate.Resource);
                }
            }

            return new ResourceSnapshot(previous.Version + 1, time.GetUtcNow(), index, statuses, fileDiagnostics);
        }
    }

    private static void CollectCandidates(
        IReadOnlyList<LoadedFile> files,
        LastGoodResources lastGood,
        Dictionary<ResourceId, List<Diagnostic>> reasons,
        Dictionary<ResourceId, string> origins,
        Dictionary<ResourceId, Candidate> candidates,
        List<Diagnostic> fileDiagnostics,
        HashSet<ResourceId> rejectedNew)
    {
        foreach (var file in files)
        {
            foreach (var document in file.Documents)
            {
                if (document.Id is not { } id)
                {
                    fileDiagnostics.AddRange(document.Diagnostics);
                    continue;
                }

                if (origins.TryGetValue(id, out var firstFile))
                {
                    // The same resource twice: neither copy is trusted; the last good one serves.
                    AddReasons(reasons, id, [new Diagnostic(
                        DiagnosticSeverity.Error, file.Path, document.Resource?.Origin.Position ?? new SourcePosition(1, 1), id.Kind.ToString(), id.Namespace, id.Name,
                        "metadata.name", $"{id} is defined twice (also in {firstFile}); each resource must be defined once")]);
                    rejectedNew.Add(id);
                    candidates.Remove(id);
                    if (lastGood.TryGet(id, out var previousGood))
                    {
                        candidates[id] = new Candidate(previousGood, IsLastGood: true);
                    }

                    continue;
                }

                origins[id] = file.Path;
                var diagnostics = new List<Diagnostic>(document.Diagnostics);
                if (document.Resource is { } resource)
                {
                    diagnostics.AddRange(ResourceValidator.Validate(resource));
                }

                AddReasons(reasons, id, diagnostics);
                if (document.Resource is not null && !diagnostics.Any(d => d.IsError))
                {
                    candidates[id] = new Candidate(document.Resource, IsLastGood: false);
                }
                else
                {
                    rejectedNew.Add(id);
                    if (lastGood.TryGet(id, out var fallback))
                    {
                        candidates[id] = new Candidate(fallback, IsLastGood: true);
                    }
                }
            }
        }
    }

    /// <summary>
    /// A file that could not be read (a YAML syntax error, a document without a name) may still define resources we
    /// cannot see. They are not deleted: their last accepted versions keep serving until the file reads again.
    /// </summary>
    private static void KeepLastGoodOfUnreadableFiles(
        IReadOnlyList<LoadedFile> files,
        LastGoodResources lastGood,
        Dictionary<ResourceId, List<Diagnostic>> reasons,
        Dictionary<ResourceId, string> origins,
        Dictionary<ResourceId, Candidate> candidates)
    {
        foreach (var file in files.Where(f => f.Unreadable))
        {
            foreach (var resource in lastGood.FromFile(file.Path))
            {
                if (origins.ContainsKey(resource.Id))
                {
                    continue;
                }

                origins[resource.Id] = file.Path;
                candidates[resource.Id] = new Candidate(resource, IsLastGood: true);
                AddReasons(reasons, resource.Id, [ResourceDiagnostics.Create(resource, DiagnosticSeverity.Error, string.Empty,
                    $"{Path.GetFileName(file.Path)} has errors that hide this resource's current definition; serving its last accepted version")]);
            }
        }

        lastGood.Retain(origins.Keys);
    }

    private static List<ResourceStatus> BuildStatuses(
        Dictionary<ResourceId, List<Diagnostic>> reasons,
        Dictionary<ResourceId, string> origins,
        Dictionary<ResourceId, Candidate> candidates,
        HashSet<ResourceId> rejectedNew)
    {
        var statuses = new List<ResourceStatus>();
        foreach (var id in origins.Keys.Union(candidates.Keys).OrderBy(id => id.Kind).ThenBy(id => id.Namespace, StringComparer.Ordinal).ThenBy(id => id.Name, StringComparer.Ordinal))
        {
            var found = reasons.TryGetValue(id, out var list) ? list.Distinct().ToList() : [];
            candidates.TryGetValue(id, out var candidate);
            var rejected = rejectedNew.Contains(id) || candidate is null || found.Any(d => d.IsError);
            var state = rejected ? ResourceState.Rejected : found.Count > 0 ? ResourceState.Warning : ResourceState.Accepted;
            statuses.Add(new ResourceStatus(id, state, found, candidate is not null, candidate?.IsLastGood ?? false, origins.GetValueOrDefault(id)));
        }

        return statuses;
    }

    private static Dictionary<(int Port, string Domain), ResourceId> IncumbentDomains(ResourceSnapshot previous)
    {
        var incumbents = new Dictionary<(int Port, string Domain), ResourceId>();
        foreach (var listener in ListenerPlan.Assign(previous.Effective))
        {
            foreach (var virtualService in listener.VirtualServices)
            {
                foreach (var domain in virtualService.Spec.VirtualHost.EffectiveDomains)
                {
                    incumbents.TryAdd((listener.Port, domain.ToLowerInvariant()), virtualService.Id);
                }
            }
        }

        return incumbents;
    }

    private static void AddReasons(Dictionary<ResourceId, List<Diagnostic>> reasons, ResourceId id, IEnumerable<Diagnostic> diagnostics)
    {
        if (!reasons.TryGetValue(id, out var list))
        {
            reasons[id] = list = [];
        }

        list.AddRange(diagnostics);
    }

    private sealed record Candidate(Resource Resource, bool IsLastGood);
}
