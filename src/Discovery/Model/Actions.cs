namespace Sluice.Discovery.Model;

/// <summary>Exactly one of <c>single</c>, <c>multi</c> or <c>upstreamGroup</c>.</summary>
[GlooUnsupported(DiagnosticSeverity.Error, "clusterHeader", "dynamicForwardProxy")]
public sealed record RouteAction
{
    public Destination? Single { get; init; }

    public MultiDestination? Multi { get; init; }

    public ResourceRef? UpstreamGroup { get; init; }
}

[GlooUnsupported(DiagnosticSeverity.Error, "kube", "consul", "subset", "destinationSpec")]
public sealed record Destination
{
    public ResourceRef? Upstream { get; init; }
}

public sealed record MultiDestination
{
    public IReadOnlyList<WeightedDestination> Destinations { get; init; } = [];
}

public sealed record WeightedDestination
{
    [Sluice.Filters.RequiredField]
    public Destination Destination { get; init; } = new();

    public uint Weight { get; init; }

    public OptionSet Options { get; init; } = OptionSet.Empty;
}

public enum RedirectResponseCode
{
    MOVED_PERMANENTLY = 0,
    FOUND = 1,
    SEE_OTHER = 2,
    TEMPORARY_REDIRECT = 3,
    PERMANENT_REDIRECT = 4,
}

[GlooUnsupported(DiagnosticSeverity.Error, "regexRewrite")]
public sealed record RedirectAction
{
    public string? HostRedirect { get; init; }

    public string? PathRedirect { get; init; }

    public string? PrefixRewrite { get; init; }

    public RedirectResponseCode ResponseCode { get; init; }

    public bool HttpsRedirect { get; init; }

    public bool StripQuery { get; init; }

    public uint? PortRedirect { get; init; }
}

public sealed record DirectResponseAction
{
    public uint Status { get; init; }

    public string? Body { get; init; }
}

/// <summary>Delegation to RouteTables by <c>ref</c> (or Gloo's legacy <c>name</c>/<c>namespace</c>) or by <c>selector</c>.</summary>
public sealed record DelegateAction
{
    public string? Name { get; init; }

    public string? Namespace { get; init; }

    public ResourceRef? Ref { get; init; }

    public RouteTableSelector? Selector { get; init; }
}

public sealed record RouteTableSelector
{
    public IReadOnlyDictionary<string, string> Labels { get; init; } = ObjectMeta.EmptyLabels;

    /// <summary>Namespaces to select from; empty means the delegating resource's own; <c>*</c> means all.</summary>
    public IReadOnlyList<string> Namespaces { get; init; } = [];

    public IReadOnlyList<LabelExpression> Expressions { get; init; } = [];
}

public sealed record LabelExpression
{
    [Sluice.Filters.RequiredField]
    public string Key { get; init; } = string.Empty;

    /// <summary>Gloo's operators: Equals, DoubleEquals, NotEquals, In, NotIn, Exists, DoesNotExist, GreaterThan, LessThan.</summary>
    [Sluice.Filters.RequiredField]
    public string Operator { get; init; } = string.Empty;

    public IReadOnlyList<string> Values { get; init; } = [];
}
