using System.Text.Json;
using System.Text.Json.Nodes;
using Sluice.Discovery.Graph;
using Sluice.Discovery.Loading;
using Sluice.Discovery.Model;
using Sluice.Discovery.Validation;
using Sluice.Gateway.Configuration;

namespace Sluice.Gateway.Admission;

/// <summary>
/// Runs on one submitted object exactly what <c>sluice validate</c> and the gateway run on a file: strict binding,
/// the per-resource checks, and the cross-resource checks against everything the gateway currently knows (the object
/// replacing its previous version). Messages are the validator's own, so <c>kubectl apply</c> shows what
/// <c>sluice validate</c> prints, without the file position (kubectl sends JSON; the user's line numbers are gone).
/// </summary>
/// <remarks>
/// One deliberate difference, as in Gloo (<c>allowWarnings</c>): a reference to an Upstream, UpstreamGroup or
/// RouteTable that does not exist yet is a warning here, not a refusal, because <c>kubectl apply -f dir/</c> creates
/// objects in file order and a VirtualService may come before its Upstream. The gateway still rejects the route in
/// the resource's status until the target exists. Conflicts (a domain another VirtualService serves, a port taken, a
/// delegation cycle) and every error of the object alone are refused.
/// </remarks>
internal sealed partial class AdmissionValidator(ResourceFileLoader loader, ConfigStore store, ILogger<AdmissionValidator> logger)
{
    /// <summary>The file name diagnostics carry for a submitted object; it never reaches the message.</summary>
    public const string SourceName = "admission-request";

    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    public AdmissionVerdict Validate(AdmissionRequest request)
    {
        if (request.Operation is not ("CREATE" or "UPDATE"))
        {
            // DELETE (and CONNECT) never make the configuration invalid: removing an object is always possible.
            return AdmissionVerdict.Allow;
        }

        if (!ResourceKinds.ByName.TryGetValue(request.Kind, out var kind)
            || ResourceKinds.ApiVersionFor(kind, gloo: false) != ResourceKinds.SluiceApiVersion
            || !ResourceKinds.IsAccepted(request.ApiVersion, kind))
        {
            // Not a kind Sluice owns: Kubernetes' own (a Secret, an Ingress of another controller) or another group's
            // object sent by a broad webhook rule. Sluice reports on those in their status, never blocks them.
            return AdmissionVerdict.Allow;
        }

        if (request.Object is null)
        {
            return new AdmissionVerdict(false, $"the {request.Operation} request for {request.Kind} carries no object", []);
        }

        var document = loader.Load(SourceName, Render(request)).Documents.FirstOrDefault();
        if (document is null)
        {
            return new AdmissionVerdict(false, $"the submitted {request.Kind} is empty", []);
        }

        var diagnostics = new List<Diagnostic>(document.Diagnostics);
        if (document.Resource is { } resource)
        {
            diagnostics.AddRange(ResourceValidator.Validate(resource));
            if (!diagnostics.Any(d => d.IsError))
            {
                diagnostics.AddRange(CrossResourceDiagnostics(resource));
            }
        }

        var errors = diagnostics.Where(d => d.IsError).Select(Describe).Distinct().ToList();
        var warnings = diagnostics.Where(d => !d.IsError).Select(Describe).Distinct().ToList();
        if (errors.Count == 0)
        {
            return new AdmissionVerdict(true, null, warnings);
        }

        var message = string.Join("\n", errors);
        LogRefused(request.Kind, request.Namespace ?? "-", request.Name ?? "-", request.DryRun, message);
        return new AdmissionVerdict(false, message, warnings);
    }

    /// <summary>What <see cref="Diagnostic.ToString"/> prints after <c>FILE:LINE:COL: error:</c>.</summary>
    public static string Describe(Diagnostic diagnostic) =>
        $"{diagnostic.Kind} {diagnostic.Namespace}/{diagnostic.Name}: {(diagnostic.FieldPath.Length == 0 ? "-" : diagnostic.FieldPath)}: {diagnostic.Message}";

    /// <summary>
    /// The object as indented JSON (which the YAML loader reads), with only the metadata Sluice uses: the API server
    /// adds fields (uid, managedFields, timestamps) that say nothing about routing. The namespace and name come from
    /// the request when the object leaves them out (a namespaced create, <c>generateName</c>).
    /// </summary>
    private static string Render(AdmissionRequest request)
    {
        var submitted = request.Object!;
        var metadata = submitted["metadata"] as JsonObject;
        var trimmed = new JsonObject();
        foreach (var key in (string[])["name", "namespace", "labels", "annotations"])
        {
            if (metadata?[key] is { } value)
            {
                trimmed[key] = value.DeepClone();
            }
        }

        if (trimmed["namespace"] is null && request.Namespace is { Length: > 0 } ns)
        {
            trimmed["namespace"] = ns;
        }

        if (trimmed["name"] is null && (request.Name is { Length: > 0 } ? request.Name : (string?)metadata?["generateName"]) is { Length: > 0 } name)
        {
            trimmed["name"] = name;
        }

        var copy = new JsonObject();
        foreach (var (key, value) in submitted)
        {
            copy[key] = key == "metadata" ? trimmed : value?.DeepClone();
        }

        if (copy["metadata"] is null)
        {
            copy["metadata"] = trimmed;
        }

        return copy.ToJsonString(Indented);
    }

    private IEnumerable<Diagnostic> CrossResourceDiagnostics(Resource submitted)
    {
        var current = store.Current.Source.Effective;
        var resources = current.All.Where(r => r.Id != submitted.Id).Append(submitted);
        var defined = current.Defined.Append(submitted.Id).ToHashSet();
        var index = new ResourceIndex(resources, defined);
        foreach (var problem in CrossResourceValidator.Validate(index, IncumbentDomains(current)))
        {
            if (problem.Id != submitted.Id)
            {
                continue;
            }

            yield return problem.Diagnostic.IsError && !problem.Blocking && IsDanglingReference(problem.Diagnostic)
                ? problem.Diagnostic with { Severity = DiagnosticSeverity.Warning }
                : problem.Diagnostic;
        }
    }

    /// <summary>The wording of CrossResourceValidator's missing-target message; a test pins it.</summary>
    private static bool IsDanglingReference(Diagnostic diagnostic) =>
        diagnostic.Message.EndsWith(" does not exist", StringComparison.Ordinal)
        || diagnostic.Message.EndsWith(" is rejected (see its own status), so this reference cannot be served", StringComparison.Ordinal);

    /// <summary>Which virtual service serves each (port, domain) now: in a conflict the one already serving keeps it.</summary>
    private static Dictionary<(int Port, string Domain), ResourceId> IncumbentDomains(ResourceIndex current)
    {
        var incumbents = new Dictionary<(int Port, string Domain), ResourceId>();
        foreach (var listener in ListenerPlan.Assign(current))
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

    [LoggerMessage(EventId = 60, Level = LogLevel.Information, Message = "Admission refused {Kind} {Namespace}/{Name} (dryRun={DryRun}): {Reason}")]
    private partial void LogRefused(string kind, string @namespace, string name, bool dryRun, string reason);
}
