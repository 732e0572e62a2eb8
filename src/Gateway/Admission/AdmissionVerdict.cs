namespace Sluice.Gateway.Admission;

/// <summary>The webhook's answer: allowed or not, the refusal message, and warnings kubectl shows either way.</summary>
internal sealed record AdmissionVerdict(bool Allowed, string? Message, IReadOnlyList<string> Warnings)
{
    public static AdmissionVerdict Allow { get; } = new(true, null, []);
}
