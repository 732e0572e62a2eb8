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
}
