using Sluice.Discovery.Model;
using Sluice.Discovery.Validation;

namespace Sluice.Discovery.Ingress;

/// <summary>
/// What all of Sluice's Ingresses together ask for, already in Kubernetes' order: per host the merged paths, longest
/// first and Exact before Prefix; one default backend; the TLS certificates by SNI host. The translator turns this
/// into route tables without deciding anything.
/// </summary>
public sealed record IngressRoutingPlan(
    IReadOnlyList<IngressHostRoutes> Hosts,
    IngressRouteTarget? DefaultBackend,
    IReadOnlyList<IngressCertificate> Certificates,
    IReadOnlyList<CrossResourceProblem> Problems)
{
    public static IngressRoutingPlan Empty { get; } = new([], null, [], []);

    public bool IsEmpty => Hosts.Count == 0 && DefaultBackend is null;
}

/// <param name="Host">An exact host, <c>*.suffix</c> (exactly one label), or empty for rules that name no host.</param>
public sealed record IngressHostRoutes(string Host, IReadOnlyList<IngressPathRoute> Paths)
{
    public bool IsWildcard => Host.StartsWith("*.", StringComparison.Ordinal);
}

public enum IngressPathMatch
{
    /// <summary>The whole path equals <see cref="IngressPathRoute.MatchPath"/>, case-sensitively.</summary>
    Exact,

    /// <summary>
    /// <see cref="IngressPathRoute.MatchPath"/> (the rule's path without its trailing '/') is a prefix of the request
    /// path ending at a '/' or at the end: whole path elements, case-sensitively.
    /// </summary>
    ElementPrefix,
}

/// <param name="Written">The path as the Ingress wrote it, for inspect and messages.</param>
public sealed record IngressPathRoute(IngressPathMatch Match, string MatchPath, string Written, IngressRouteTarget Target);

/// <param name="Upstream">The discovered Upstream for the Service port (Gloo's name).</param>
/// <param name="Source">The Ingress and field that asked for it.</param>
public sealed record IngressRouteTarget(ResourceId Upstream, ResourceId Source, string FieldPath);

/// <param name="Hosts">The SNI names it serves; empty makes it the listener's default certificate.</param>
public sealed record IngressCertificate(IReadOnlyList<string> Hosts, Secret Secret, ResourceId Source);
