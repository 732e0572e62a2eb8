using System.Text.Json;

namespace Sluice.Gateway.Admission;

/// <summary>Writes the <c>admission.k8s.io/v1</c> AdmissionReview that answers a request.</summary>
internal static class AdmissionResponse
{
    /// <summary>422 Unprocessable Entity, with reason Invalid: what the API server itself answers for a bad object.</summary>
    public const int RefusedCode = 422;

    public static byte[] Write(string uid, AdmissionVerdict verdict)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteString("apiVersion", "admission.k8s.io/v1");
            json.WriteString("kind", "AdmissionReview");
            json.WriteStartObject("response");
            json.WriteString("uid", uid);
            json.WriteBoolean("allowed", verdict.Allowed);
            if (!verdict.Allowed)
            {
                json.WriteStartObject("status");
                json.WriteNumber("code", RefusedCode);
                json.WriteString("reason", "Invalid");
                json.WriteString("message", verdict.Message);
                json.WriteEndObject();
            }

            if (verdict.Warnings.Count > 0)
            {
                json.WriteStartArray("warnings");
                foreach (var warning in verdict.Warnings)
                {
                    json.WriteStringValue(warning);
                }

                json.WriteEndArray();
            }

            json.WriteEndObject();
            json.WriteEndObject();
        }

        return buffer.ToArray();
    }
}
