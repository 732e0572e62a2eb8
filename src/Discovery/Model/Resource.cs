namespace Sluice.Discovery.Model;

/// <summary>One loaded API object, immutable. <see cref="Origin"/> says where it came from, for diagnostics.</summary>
public abstract record Resource
{
    public required ResourceKind Kind { get; init; }

    public required string ApiVersion { get; init; }

    public required ObjectMeta Metadata { get; init; }

    public required ResourceOrigin Origin { get; init; }

    public string Namespace => Metadata.Namespace ?? ResourceDefaults.Namespace;

    public ResourceId Id => new(Kind, Namespace, Metadata.Name);
}

public static class ResourceDefaults
{
    /// <summary>The namespace of a resource that names none, as in Gloo's file mode and kubectl.</summary>
    public const string Namespace = "default";
}
