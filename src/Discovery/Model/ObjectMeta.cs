namespace Sluice.Discovery.Model;

/// <summary>
/// The part of Kubernetes' <c>metadata</c> Sluice reads. Server-populated fields (uid, resourceVersion,
/// managedFields...) are accepted and ignored so that exported cluster YAML loads unchanged.
/// </summary>
[IgnoredFields("uid", "managedFields", "ownerReferences", "finalizers", "selfLink",
    "deletionTimestamp", "deletionGracePeriodSeconds", "generateName")]
public sealed record ObjectMeta
{
    /// <summary>Required, but checked by the loader: Gloo's file layout takes it from the file name.</summary>
    public string Name { get; init; } = string.Empty;

    public string? Namespace { get; init; }

    public IReadOnlyDictionary<string, string> Labels { get; init; } = EmptyLabels;

    public IReadOnlyDictionary<string, string> Annotations { get; init; } = EmptyLabels;

    public long? Generation { get; init; }

    public string? ResourceVersion { get; init; }

    /// <summary>RFC 3339, set by the API server; decides which of two conflicting Ingresses wins (the older).</summary>
    public string? CreationTimestamp { get; init; }

    internal static readonly IReadOnlyDictionary<string, string> EmptyLabels = new Dictionary<string, string>();
}
