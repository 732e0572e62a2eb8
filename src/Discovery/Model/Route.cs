namespace Sluice.Discovery.Model;

[GlooUnsupported(DiagnosticSeverity.Error, "inheritableMatchers", "inheritablePathMatchers", "graphqlApiRef")]
public sealed record Route
{
    public string? Name { get; init; }

    /// <summary>OR of matchers; none means one <c>prefix: /</c> matcher, as in Gloo.</summary>
    public IReadOnlyList<Matcher> Matchers { get; init; } = [];

    public RouteAction? RouteAction { get; init; }

    public RedirectAction? RedirectAction { get; init; }

    public DirectResponseAction? DirectResponseAction { get; init; }

    public DelegateAction? DelegateAction { get; init; }

    public OptionSet Options { get; init; } = OptionSet.Empty;

    /// <summary>The matchers that decide this route: one <c>prefix: /</c> when none are written, as in Gloo.</summary>
    public IReadOnlyList<Matcher> EffectiveMatchers => Matchers.Count == 0 ? MatchEverything : Matchers;

    /// <summary>The path prefixes a delegating route hands to its child routes (it may match only by prefix).</summary>
    public IReadOnlyList<string> DelegationPrefixes => [.. EffectiveMatchers.Select(m => m.Prefix ?? "/")];

    private static readonly IReadOnlyList<Matcher> MatchEverything = [new Matcher { Prefix = "/" }];
}
