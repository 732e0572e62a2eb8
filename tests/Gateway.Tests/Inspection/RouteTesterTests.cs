using Microsoft.AspNetCore.Http;
using Sluice.Gateway.Inspection;

namespace Sluice.Gateway.Tests.Inspection;

/// <summary>
/// route test answers with the data plane's own matching and the route's own filters: the route, the next match,
/// the upstream and endpoint, and the path, host and headers as they would be sent, without sending anything.
/// </summary>
public sealed class RouteTesterTests
{
    [Fact]
    public async Task DelegatedRoute_ShowsRouteNextMatchUpstreamAndRewrittenRequest()
    {
        using var compiled = new CompiledYaml(CompiledYaml.Layered);
        var report = await RouteTester.TestAsync(compiled.Config, new("GET", "http://shop.test:8080/api/users/42?verbose=1", ["x-client: cli"]));

        Assert.Null(report.Error);
        Assert.Equal("forwarded to default/b", report.Outcome);
        Assert.Equal("default/shop", report.VirtualHost);
        Assert.Equal("api-users", report.Route);
        Assert.Equal("default/shop/0", report.RouteKey);
        Assert.Equal("prefix /api/users", report.MatchedBy);
        Assert.Equal("api-rest", report.NextRoute);
        Assert.Equal("default/b", report.Upstream);
        Assert.StartsWith("one of 127.0.0.1:9002, 127.0.0.1:9003", report.Endpoint, StringComparison.Ordinal);

        // regexRewrite from the route, hostRewrite from the delegating parent, the header from the virtual host.
        Assert.Equal("/users/42?verbose=1", report.UpstreamPath);
        Assert.Equal("api.internal", report.UpstreamHost);
        Assert.Contains("x-vh: from-vh", report.UpstreamHeaders);
        Assert.Contains("x-client: cli", report.UpstreamHeaders);
        Assert.Equal(["headerManipulation", "hostRewrite", "regexRewrite", "retries", "timeout"], report.Filters.Select(f => f.Option));
        Assert.All(report.Filters, f => Assert.Equal("ran", f.Outcome));
    }

    [Fact]
    public async Task PrefixRewrite_ReplacesTheMatchedPrefix_AndNextMatchIsTheCatchAll()
    {
        using var compiled = new CompiledYaml(CompiledYaml.Layered);
        var report = await RouteTester.TestAsync(compiled.Config, new("POST", "http://shop.test:8080/api/orders", []));

        Assert.Equal("api-rest", report.Route);
        Assert.Equal("catch-all", report.NextRoute);
        Assert.Equal("/v2/orders", report.UpstreamPath);
    }

    [Fact]
    public async Task HostHeader_OverridesTheUrlHost_AndAnUnknownHostIs404()
    {
        using var compiled = new CompiledYaml(CompiledYaml.Layered);
        var report = await RouteTester.TestAsync(compiled.Config, new("GET", "http://shop.test:8080/", ["Host: other.test"]));

        Assert.Null(report.Route);
        Assert.StartsWith("404", report.Outcome, StringComparison.Ordinal);
        Assert.Contains("other.test", report.Outcome, StringComparison.Ordinal);
    }

    [Fact]
    public async Task EncodedSlash_IsRefusedAsTheGatewayWould()
    {
        using var compiled = new CompiledYaml(CompiledYaml.Layered);
        var report = await RouteTester.TestAsync(compiled.Config, new("GET", "http://shop.test:8080/api/..%2fadmin", []));

        Assert.StartsWith("400", report.Outcome, StringComparison.Ordinal);
        Assert.Null(report.Route);
    }

    [Fact]
    public async Task UnknownPort_IsAnErrorNamingTheListeners()
    {
        using var compiled = new CompiledYaml(CompiledYaml.Layered);
        var report = await RouteTester.TestAsync(compiled.Config, new("GET", "http://shop.test:9999/", []));

        Assert.Equal("no http listener on port 9999; listeners: http:8080", report.Error);
    }

    [Theory]
    [InlineData("GET", "/api/users/7")]
    [InlineData("GET", "/api")]
    [InlineData("DELETE", "/split/x")]
    [InlineData("GET", "/")]
    [InlineData("GET", "/API/users")]
    public async Task MatchedRoute_IsTheOneTheDataPlaneMatches(string method, string path)
    {
        using var compiled = new CompiledYaml(CompiledYaml.Layered);
        var report = await RouteTester.TestAsync(compiled.Config, new(method, "http://shop.test:8080" + path, []));

        var listener = compiled.Config.Listeners[8080];
        var context = new DefaultHttpContext();
        context.Request.Method = method;
        context.Request.Path = path;
        var host = listener.Hosts.Find("shop.test:8080", 8080)!;
        Assert.Equal(host.Match(context.Request, path, out _)?.Name, report.Route);
    }

    [Fact]
    public async Task Redirect_ShowsTheLocationTheClientWouldGet()
    {
        using var compiled = new CompiledYaml("""
            apiVersion: gateway.sluice.dev/v1
            kind: VirtualService
            metadata: {name: legacy, namespace: default}
            spec:
              virtualHost:
                routes:
                  - name: old
                    matchers: [{prefix: /old/}]
                    redirectAction: {prefixRewrite: /new/, responseCode: FOUND}
            """);
        var report = await RouteTester.TestAsync(compiled.Config, new("GET", "http://example.test:8080/old/page?a=1", []));

        Assert.Equal("302 redirect to http://example.test:8080/new/page?a=1", report.Outcome);
        Assert.Equal(["location: http://example.test:8080/new/page?a=1"], report.ResponseHeaders);
        Assert.Null(report.UpstreamPath);
    }

    [Fact]
    public async Task ListenerSettings_AreApplied_AtTheDoor_AsTheDataPlaneDoes()
    {
        using var compiled = new CompiledYaml(CompiledYaml.Layered.Replace(
            "      retries: {retryOn: 5xx, numRetries: 2}",
            "      retries: {retryOn: 5xx, numRetries: 2}\n      httpConnectionManagerSettings:\n        pathWithEscapedSlashesAction: UNESCAPE_AND_REDIRECT\n        headersWithUnderscoresAction: REJECT_REQUEST",
            StringComparison.Ordinal));

        var redirect = await RouteTester.TestAsync(compiled.Config, new("GET", "http://shop.test:8080/api%2Fusers/1", []));
        Assert.Equal("307 redirect to /api/users/1 (the listener unescapes slashes and redirects)", redirect.Outcome);

        var underscore = await RouteTester.TestAsync(compiled.Config, new("GET", "http://shop.test:8080/api/users/1", ["x_user: a"]));
        Assert.StartsWith("400 bad request: header names with '_'", underscore.Outcome, StringComparison.Ordinal);

        // inspect shows the listener setting where it was set, and does not try to run it as a filter.
        var route = new ConfigInspector(compiled.Config, Sluice.Filters.FilterRegistry.Default, liveHealth: false).Route("api-users").Route!;
        var setting = route.Options.Single(o => o.Name == "httpConnectionManagerSettings");
        Assert.StartsWith("listener setting", setting.Value, StringComparison.Ordinal);
        Assert.Equal("Gateway default/http httpGateway.options", setting.Source);
        Assert.DoesNotContain(route.Filters, f => f.Option == "httpConnectionManagerSettings");
    }
}
