using System.Text.RegularExpressions;
using Sluice.EndToEnd.Tests.Harness;
using Sluice.Gateway.Cli;

namespace Sluice.EndToEnd.Tests.Cli;

/// <summary>
/// <c>sluice validate</c> in-process: the same loading and validation the gateway runs, one line per problem in the
/// form <c>FILE:LINE:COL: error|warning: KIND NAMESPACE/NAME: FIELD.PATH: MESSAGE</c>, then a summary; exit 0 when
/// valid (warnings allowed), 1 on errors, 2 when a path does not exist.
/// </summary>
public sealed partial class ValidateCommandTests : IDisposable
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "sluice-validate-" + Guid.NewGuid().ToString("N")[..12]);

    public ValidateCommandTests()
    {
        Directory.CreateDirectory(_directory);
    }

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact]
    public void AValidDirectory_ExitsZero_AndPrintsOnlyTheSummary()
    {
        Write("gateways.yaml", Yaml.Gateway("http", 8080));
        Write("upstreams.yaml", Yaml.Upstream("a", 9001) + "---\n" + Yaml.Upstream("b", 9002));
        Write(Path.Combine("nested", "vs.yml"), Yaml.VirtualService("vs", Yaml.PrefixRoute("/a", "a") + Yaml.PrefixRoute("/b", "b")));

        var (exit, lines) = Validate(_directory);

        Assert.Equal(0, exit);
        Assert.Equal(["3 files, 4 resources: 0 errors, 0 warnings"], lines);
    }

    [Fact]
    public void AnError_ExitsOne_WithTheExactLineFormat()
    {
        Write("upstreams.yaml", Yaml.Upstream("a", 9001));
        var broken = Write("broken.yaml", """
            apiVersion: gateway.sluice.dev/v1
            kind: VirtualService
            metadata:
              name: storefront
              namespace: shop
            spec:
              virtualHost:
                domains: ['shop.test']
                routes:
                  - matchers:
                      - prefix: /
                    routeAction:
                      single:
                        upstream: {name: a, namespace: default}
                    timeoutt: 5s

            """);

        var (exit, lines) = Validate(_directory);

        Assert.Equal(1, exit);
        Assert.Equal(2, lines.Count);
        var match = DiagnosticLine().Match(lines[0]);
        Assert.True(match.Success, lines[0]);
        Assert.Equal(broken, match.Groups["file"].Value);
        Assert.Equal("15", match.Groups["line"].Value);
        Assert.Equal("9", match.Groups["column"].Value);
        Assert.Equal("error", match.Groups["severity"].Value);
        Assert.Equal("VirtualService", match.Groups["kind"].Value);
        Assert.Equal("shop", match.Groups["namespace"].Value);
        Assert.Equal("storefront", match.Groups["name"].Value);
        Assert.Equal("virtualHost.routes[0].timeoutt", match.Groups["field"].Value);
        Assert.Equal(
            "unknown field 'timeoutt'; expected one of: name, matchers, routeAction, redirectAction, directResponseAction, delegateAction, options",
            match.Groups["message"].Value);
        Assert.Equal("2 files, 2 resources: 1 errors, 0 warnings", lines[1]);
    }

    [Fact]
    public void ACrossResourceError_NamesTheReferenceFieldAndItsPosition()
    {
        var orphan = Write("orphan.yaml", Yaml.VirtualService("orphan", Yaml.PrefixRoute("/x", "nowhere"), "orphan.test"));

        var (exit, lines) = Validate(_directory);

        Assert.Equal(1, exit);
        Assert.Equal(
            [
                $"{orphan}:15:15: error: VirtualService default/orphan: virtualHost.routes[0].routeAction.single.upstream: Upstream default/nowhere does not exist",
                "1 files, 1 resources: 1 errors, 0 warnings",
            ],
            lines);
    }

    [Fact]
    public void SeveralProblems_ArePrintedOnePerLine_InFileAndLineOrder()
    {
        Write("upstreams.yaml", Yaml.Upstream("a", 9001));
        var second = Write("b.yaml", Yaml.VirtualService("b", Yaml.PrefixRoute("b", "a"), "b.test"));
        var first = Write("a.yaml", Yaml.VirtualService("a", Yaml.PrefixRoute("/a", "a").Replace("prefix: /a", "regex: '/a/(['", StringComparison.Ordinal), "a.test")
            + "---\n" + Yaml.Upstream("bad-port", 0));

        var (exit, lines) = Validate(_directory);

        Assert.Equal(1, exit);
        Assert.Equal(4, lines.Count);
        var parsed = lines.Take(3).Select(l => DiagnosticLine().Match(l)).ToList();
        Assert.All(parsed, m => Assert.True(m.Success, m.Value));
        Assert.Equal([first, first, second], parsed.Select(m => m.Groups["file"].Value));
        Assert.Equal("virtualHost.routes[0].matchers[0].regex", parsed[0].Groups["field"].Value);
        Assert.Equal(11, int.Parse(parsed[0].Groups["line"].Value, System.Globalization.CultureInfo.InvariantCulture));
        Assert.True(int.Parse(parsed[1].Groups["line"].Value, System.Globalization.CultureInfo.InvariantCulture) > 16, lines[1]);
        Assert.Equal("Upstream", parsed[1].Groups["kind"].Value);
        Assert.Equal("virtualHost.routes[0].matchers[0].prefix", parsed[2].Groups["field"].Value);
        Assert.Contains("must start with '/'", parsed[2].Groups["message"].Value, StringComparison.Ordinal);
        Assert.Equal("3 files, 4 resources: 3 errors, 0 warnings", lines[3]);
    }

    [Theory]
    [InlineData("unclosed quote", "metadata: {name: 'x}\n")]
    [InlineData("unclosed flow sequence before more block content", "spec:\n  static:\n    hosts: [\n  other: 1\n")]
    [InlineData("tab indentation", "spec:\n\tstatic: {}\n")]
    public void AYamlSyntaxError_ExitsOne_WithAnInvalidYamlLine(string problem, string tail)
    {
        var file = Write("upstream.yaml", "apiVersion: gateway.sluice.dev/v1\nkind: Upstream\n" + tail);

        var (exit, lines) = Validate(_directory);

        Assert.True(exit == 1, $"{problem}: exit {exit}");
        var match = DiagnosticLine().Match(lines[0]);
        Assert.True(match.Success, lines[0]);
        Assert.Equal(file, match.Groups["file"].Value);
        Assert.Equal("error", match.Groups["severity"].Value);
        Assert.StartsWith("invalid YAML", match.Groups["message"].Value, StringComparison.Ordinal);
        Assert.EndsWith("1 errors, 0 warnings", lines[^1], StringComparison.Ordinal);
    }

    [Fact]
    public void WarningsOnly_ExitZero_AndArePrinted()
    {
        var shadow = Write("shadow.yaml", """
            apiVersion: gateway.sluice.dev/v1
            kind: VirtualService
            metadata:
              name: shadow
              namespace: default
            spec:
              virtualHost:
                domains: ['shadow.test']
                routes:
                  - matchers: [{prefix: /}]
                    directResponseAction: {status: 200, body: "a"}
                  - matchers: [{prefix: /b}]
                    directResponseAction: {status: 200, body: "b"}
            ---
            apiVersion: apps/v1
            kind: Deployment
            metadata: {name: not-ours}

            """);

        var (exit, lines) = Validate(shadow);

        Assert.Equal(0, exit);
        Assert.Equal(
            [
                $"{shadow}:12:9: warning: VirtualService default/shadow: virtualHost.routes[1]: this route can never match: route 0 comes first and matches every request it would",
                $"{shadow}:15:1: warning: Deployment -/-: kind: kind 'Deployment' is not a Sluice resource; the document is ignored",
                "1 files, 1 resources: 0 errors, 2 warnings",
            ],
            lines);
    }

    [Fact]
    public void AMissingPath_ExitsTwo_AndValidatesNothing()
    {
        Write("broken.yaml", "kind: [\n");
        var missing = Path.Combine(_directory, "does-not-exist");

        var (exit, lines) = Validate(_directory, missing);

        Assert.Equal(2, exit);
        Assert.Equal([$"{missing}: error: no such file or directory"], lines);
    }

    [Fact]
    public void SeveralPaths_FilesAndDirectories_AreValidatedTogether()
    {
        var upstream = Write(Path.Combine("shared", "upstream.yaml"), Yaml.Upstream("a", 9001));
        Write(Path.Combine("team", "vs.yaml"), Yaml.VirtualService("vs", Yaml.PrefixRoute("/", "a")));

        // Alone, the virtual service references an upstream that does not exist.
        Assert.Equal(1, Validate(Path.Combine(_directory, "team")).Exit);

        var (exit, lines) = Validate(Path.Combine(_directory, "team"), upstream);
        Assert.Equal(0, exit);
        Assert.Equal(["2 files, 2 resources: 0 errors, 0 warnings"], lines);
    }

    private static (int Exit, List<string> Lines) Validate(params string[] paths)
    {
        using var output = new StringWriter();
        var exit = ValidateCommand.Run(paths, output);
        return (exit, output.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.TrimEnd('\r')).ToList());
    }

    private string Write(string relativePath, string text)
    {
        var path = Path.Combine(_directory, relativePath);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, text);
        return path;
    }

    [GeneratedRegex(@"^(?<file>.+?):(?<line>\d+):(?<column>\d+): (?<severity>error|warning): (?<kind>[A-Za-z]+) (?<namespace>[^/ ]+)/(?<name>[^: ]+): (?<field>[^ ]+): (?<message>.+)$")]
    private static partial Regex DiagnosticLine();
}
