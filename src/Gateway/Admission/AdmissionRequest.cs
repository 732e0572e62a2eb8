using System.Diagnostics.CodeAnalysis;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Sluice.Gateway.Admission;

/// <summary>The parts of an <c>admission.k8s.io/v1</c> AdmissionReview request the webhook reads.</summary>
internal sealed record AdmissionRequest(
    string Uid,
    string Group,
    string Version,
    string Kind,
    string Operation,
    string? Namespace,
    string? Name,
    bool DryRun,
    JsonObject? Object)
{
    public string ApiVersion => Group.Length == 0 ? Version : $"{Group}/{Version}";

    /// <summary>Reads an AdmissionReview; the problem in words when the body is not one.</summary>
    public static bool TryParse(JsonNode? review, [NotNullWhen(true)] out AdmissionRequest? request, [NotNullWhen(false)] out string? problem)
    {
        request = null;
        if (review is not JsonObject root || root["request"] is not JsonObject body)
        {
            problem = "expected an admission.k8s.io/v1 AdmissionReview with a 'request'";
            return false;
        }

        if (root["apiVersion"]?.GetValueKind() != JsonValueKind.String || (string?)root["apiVersion"] != "admission.k8s.io/v1")
        {
            problem = "only admission.k8s.io/v1 AdmissionReviews are understood; set admissionReviewVersions: [v1]";
            return false;
        }

        if (Text(body, "uid") is not { Length: > 0 } uid)
        {
            problem = "the request has no 'uid'";
            return false;
        }

        var kind = body["kind"] as JsonObject;
        request = new AdmissionRequest(
            uid,
            (kind is null ? null : Text(kind, "group")) ?? string.Empty,
            (kind is null ? null : Text(kind, "version")) ?? string.Empty,
            (kind is null ? null : Text(kind, "kind")) ?? string.Empty,
            Text(body, "operation") ?? string.Empty,
            Text(body, "namespace"),
            Text(body, "name"),
            body["dryRun"]?.GetValueKind() == JsonValueKind.True,
            body["object"] as JsonObject);
        problem = null;
        return true;
    }

    private static string? Text(JsonObject node, string key) =>
        node[key] is JsonValue value && value.TryGetValue<string>(out var text) ? text : null;
}
