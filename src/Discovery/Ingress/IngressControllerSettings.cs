namespace Sluice.Discovery.Ingress;

/// <summary>Who Sluice is as an ingress controller, and where Ingress traffic is served.</summary>
public sealed record IngressControllerSettings
{
    public static IngressControllerSettings Default { get; } = new();

    /// <summary>An IngressClass whose <c>spec.controller</c> is this is one of ours.</summary>
    public string ControllerName { get; init; } = "gateway.sluice.dev/ingress-controller";

    /// <summary>The value of the legacy <c>kubernetes.io/ingress.class</c> annotation that selects Sluice.</summary>
    public string ClassName { get; init; } = "sluice";

    /// <summary>The HTTP listener that serves Ingress rules (Gloo's default HTTP gateway port).</summary>
    public int HttpPort { get; init; } = 8080;

    /// <summary>The HTTPS listener that serves Ingress rules when some Ingress has a usable <c>tls</c> entry.</summary>
    public int HttpsPort { get; init; } = 8443;

    public const string LegacyClassAnnotation = "kubernetes.io/ingress.class";
}
