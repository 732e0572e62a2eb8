using Sluice.Discovery.Model;
using Sluice.Filters;

namespace Sluice.Discovery.Tests.Validation;

public class MatcherValidationTests
{
    /// <summary>A virtual service whose one route has the given matcher lines at line 11 (indented under <c>matchers:</c>).</summary>
    private static string WithMatcher(string matcher) => $"""
        apiVersion: gateway.solo.io/v1
        kind: VirtualService
        metadata:
          name: storefront
          namespace: shop
        spec:
          virtualHost:
            domains: [shop.example.com]
            routes:
              - matchers:
                  - {matcher.Replace("\n", "\n            ", StringComparison.Ordinal)}
                routeAction:
                  single:
                    upstream: {"{name: catalog}"}
        """;

    [Fact]
    public void InvalidRegex_ErrorAtRegexWithFieldPath()
    {
        var diagnostics = Yaml.Validate(WithMatcher("regex: '/api/v[0-9]+/(users'"));

        DiagnosticAssert.Single(diagnostics, DiagnosticSeverity.Error, "virtualHost.routes[0].matchers[0].regex", 11, 20, "invalid regex '/api/v[0-9]+/(users': ");
    }

    [Theory]
    [InlineData(@"/(a)\1", "backreference")]
    [InlineData("/(?!internal/).*", "lookahead")]
    [InlineData("/(?<=v1)/users", "lookbehind")]
    [InlineData("/(?>users)", "atomic")]
    public void BacktrackingOnlyRegex_IsRefused(string regex, string construct)
    {
        var diagnostics = Yaml.Validate(WithMatcher($"regex: '{regex}'"));

        var error = DiagnosticAssert.Single(diagnostics, DiagnosticSeverity.Error, "virtualHost.routes[0].matchers[0].regex", 11, 20,
            $"regex '{regex}' needs backtracking, which Sluice does not allow (no backreferences, lookarounds or atomic groups)");
        Assert.Contains(construct, error.Message, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public void RegexLongerThanLimit_IsRefused()
    {
        var regex = "/" + new string('a', LinearRegex.MaxPatternLength);

        var diagnostics = Yaml.Validate(WithMatcher($"regex: '{regex}'"));

        DiagnosticAssert.Single(diagnostics, DiagnosticSeverity.Error, "virtualHost.routes[0].matchers[0].regex", 11, 20,
            $"regex is {LinearRegex.MaxPatternLength + 1} characters long; the limit is {LinearRegex.MaxPatternLength}");
    }

    [Fact]
    public void RegexAtLengthLimit_IsAccepted()
    {
        // One character class: as long as allowed, yet a tiny automaton.
        var regex = "/[" + new string('a', LinearRegex.MaxPatternLength - 3) + "]";
        Assert.Equal(LinearRegex.MaxPatternLength, regex.Length);

        DiagnosticAssert.Empty(Yaml.Validate(WithMatcher($"regex: '{regex}'")));
    }

    [Fact]
    public void RegexTooLargeForTheAutomaton_IsNotBlamedOnBacktracking()
    {
        var regex = "/" + new string('a', LinearRegex.MaxPatternLength - 1);

        var error = DiagnosticAssert.Single(Yaml.Validate(WithMatcher($"regex: '{regex}'")), DiagnosticSeverity.Error,
            "virtualHost.routes[0].matchers[0].regex", 11, 20, "regex");
        Assert.DoesNotContain("needs backtracking", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void LinearRegex_CaseInsensitive_IsAccepted()
    {
        DiagnosticAssert.Empty(Yaml.Validate(WithMatcher("regex: '/api/v[0-9]+/users/[^/]+'\ncaseSensitive: false")));
    }

    [Fact]
    public void RegexThatOnlyParsesOnceWrapped_IsRefused()
    {
        var diagnostics = Yaml.Validate(WithMatcher("regex: '/api)|(/admin'"));

        DiagnosticAssert.Single(diagnostics, DiagnosticSeverity.Error, "virtualHost.routes[0].matchers[0].regex", 11, 20, "invalid regex '/api)|(/admin'");
    }

    [Fact]
    public void InvalidHeaderRegex_ErrorAtHeaderValue()
    {
        var diagnostics = Yaml.Validate(WithMatcher("""
            prefix: /api
            headers:
              - name: x-tenant
                value: '[a-z'
                regex: true
            """));

        DiagnosticAssert.Single(diagnostics, DiagnosticSeverity.Error, "virtualHost.routes[0].matchers[0].headers[0].value", 14, 24, "invalid regex '[a-z'");
    }

    [Fact]
    public void HeaderValueThatIsNotARegex_IsNotCompiled()
    {
        DiagnosticAssert.Empty(Yaml.Validate(WithMatcher("""
            prefix: /api
            headers:
              - name: x-tenant
                value: '[a-z'
            """)));
    }

    [Fact]
    public void BacktrackingQueryParameterRegex_ErrorAtQueryValue()
    {
        var diagnostics = Yaml.Validate(WithMatcher("""
            prefix: /search
            queryParameters:
              - name: q
                value: '(\w+)\s\1'
                regex: true
            """));

        DiagnosticAssert.Single(diagnostics, DiagnosticSeverity.Error, "virtualHost.routes[0].matchers[0].queryParameters[0].value", 14, 24, "needs backtracking");
    }

    [Fact]
    public void InvalidHeaderName_IsAnError()
    {
        var diagnostics = Yaml.Validate(WithMatcher("""
            prefix: /api
            headers:
              - name: 'x-tenant:'
            """));

        DiagnosticAssert.Single(diagnostics, DiagnosticSeverity.Error, "virtualHost.routes[0].matchers[0].headers[0].name", 13, 23, "'x-tenant:' is not a valid header name");
    }

    [Fact]
    public void PrefixWithoutLeadingSlash_ErrorAtPrefix()
    {
        var diagnostics = Yaml.Validate(WithMatcher("prefix: api"));

        DiagnosticAssert.Single(diagnostics, DiagnosticSeverity.Error, "virtualHost.routes[0].matchers[0].prefix", 11, 21, "prefix 'api' must start with '/'");
    }

    [Fact]
    public void ExactWithoutLeadingSlash_ErrorAtExact()
    {
        var diagnostics = Yaml.Validate(WithMatcher("exact: healthz"));

        DiagnosticAssert.Single(diagnostics, DiagnosticSeverity.Error, "virtualHost.routes[0].matchers[0].exact", 11, 20, "exact path 'healthz' must start with '/'");
    }

    [Theory]
    [InlineData("prefix: /api\nexact: /api")]
    [InlineData("prefix: /api\nregex: '/api/.*'")]
    [InlineData("exact: /api\nregex: '/api'")]
    public void TwoPathConditionsInOneMatcher_ErrorAtMatcher(string matcher)
    {
        var diagnostics = Yaml.Validate(WithMatcher(matcher));

        DiagnosticAssert.Single(diagnostics, DiagnosticSeverity.Error, "virtualHost.routes[0].matchers[0]", 11, 13, "a matcher takes at most one of prefix, exact and regex");
    }

    [Fact]
    public void LowercaseMethod_ErrorSuggestingUppercase()
    {
        var diagnostics = Yaml.Validate(WithMatcher("prefix: /api\nmethods: [GET, post]"));

        DiagnosticAssert.Single(diagnostics, DiagnosticSeverity.Error, "virtualHost.routes[0].matchers[0].methods[1]", 12, 28,
            "method 'post' must be written in upper case ('POST'): methods are matched exactly");
    }

    [Fact]
    public void LowercaseGet_ErrorSuggestingGET()
    {
        var diagnostics = Yaml.Validate(WithMatcher("prefix: /api\nmethods: [get]"));

        DiagnosticAssert.Single(diagnostics, DiagnosticSeverity.Error, "virtualHost.routes[0].matchers[0].methods[0]", 12, 23,
            "method 'get' must be written in upper case ('GET')");
    }

    [Fact]
    public void UnknownMethod_IsNotAnHttpMethod()
    {
        var diagnostics = Yaml.Validate(WithMatcher("prefix: /api\nmethods: [FETCH]"));

        DiagnosticAssert.Single(diagnostics, DiagnosticSeverity.Error, "virtualHost.routes[0].matchers[0].methods[0]", 12, 23, "'FETCH' is not an HTTP method");
    }
}
