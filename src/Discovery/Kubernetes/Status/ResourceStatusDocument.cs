using System.Text.Json.Nodes;
using Sluice.Discovery.Model;
using Sluice.Discovery.Snapshots;

namespace Sluice.Discovery.Kubernetes.Status;

/// <summary>
/// The <c>status</c> Sluice writes on its CRDs: <c>state</c> (Accepted, Warning or Rejected, Gloo's words),
/// <c>reason</c> (every problem, one per line, each as <c>sluice validate</c> prints it after the resource name:
/// <c>error|warning: FIELD.PATH: MESSAGE</c>), <c>observedGeneration</c>, <c>servingLastGood</c> when an
/// earlier accepted version still serves, and <c>reportedBy: sluice</c>.
/// </summary>
public static class ResourceStatusDocument
{
    public const string ReportedBy = "sluice";

    public static JsonObject Create(ResourceStatus status, long generation)
    {
        var reasons = new JsonArray();
        foreach (var reason in status.Reasons)
        {
            reasons.Add(Reason(reason));
        }

        var document = new JsonObject
        {
            ["state"] = status.State.ToString(),
            ["reason"] = string.Join('\n', status.Reasons.Select(Reason)),
            ["reasons"] = reasons,
            ["observedGeneration"] = generation,
            ["reportedBy"] = ReportedBy,
        };
        if (status.ServingLastGood)
        {
            document["servingLastGood"] = true;
        }

        return document;
    }

    /// <summary>A diagnostic as <c>sluice validate</c> prints it, without the file position and resource name.</summary>
    public static string Reason(Diagnostic diagnostic) =>
        $"{(diagnostic.IsError ? "error" : "warning")}: {(diagnostic.FieldPath.Length == 0 ? "-" : diagnostic.FieldPath)}: {diagnostic.Message}";
}
