using Sluice.Gateway.Admin;
using Sluice.Gateway.Configuration;
using Sluice.Gateway.Inspection;
using Sluice.Gateway.Telemetry;

namespace Sluice.Gateway.Tests.Inspection;

/// <summary>The dashboard page, rendered on the server: what a person reads without any script running.</summary>
public sealed class DashboardTests
{
    private const string WithRejected = CompiledYaml.Layered + """

        ---
        apiVersion: gateway.sluice.dev/v1
        kind: VirtualService
        metadata: {name: broken, namespace: default}
        spec:
          virtualHost:
            domains: ['<b>.test']
            routes:
              - matchers: [{prefix: /}]
                routeAction: {single: {upstream: {name: nowhere}}}
        """;

    [Fact]
    public void Page_ShowsRoutesRejectedReasonsAndUnhealthyEndpoints_Escaped()
    {
        using var compiled = new CompiledYaml(WithRejected);
        compiled.Config.Clusters["default/b"].Endpoints[0].State.RecordCheckFailure(unhealthyThreshold: 1, immediate: true);
        using var traffic = new RouteTrafficRecorder(TimeProvider.System);
        var report = DashboardReport.Build(compiled.Config, [new ReloadRecord(1, DateTimeOffset.UtcNow, "start", TimeSpan.FromMilliseconds(12), 6, 1, 0)], traffic, DateTimeOffset.UtcNow);

        var html = DashboardPage.Render(report);

        Assert.Contains("<td class=\"name\">api-users</td>", html, StringComparison.Ordinal);
        Assert.Contains("<td class=\"name\">catch-all</td>", html, StringComparison.Ordinal);
        Assert.Contains("VirtualService", html, StringComparison.Ordinal);
        Assert.Contains("default/broken", html, StringComparison.Ordinal);
        Assert.Contains("&lt;b&gt;.test", html, StringComparison.Ordinal);
        Assert.Contains("cannot appear in a host", html, StringComparison.Ordinal);
        Assert.Contains("<td class=\"health bad\">unhealthy (health check failing)</td>", html, StringComparison.Ordinal);
        Assert.Contains("<td class=\"health good\">healthy</td>", html, StringComparison.Ordinal);
        Assert.Contains("1 rejected", html, StringComparison.Ordinal);
        Assert.DoesNotContain("<b>.test", html, StringComparison.Ordinal);
        Assert.DoesNotContain("http://", html.Replace("http://www.w3.org", string.Empty, StringComparison.Ordinal), StringComparison.Ordinal);
    }

    [Fact]
    public void Report_CarriesPerRouteRates_OnceRequestsAreCounted()
    {
        using var compiled = new CompiledYaml(CompiledYaml.Layered);
        using var traffic = new RouteTrafficRecorder(TimeProvider.System);
        for (var i = 0; i < 6; i++)
        {
            GatewayInstruments.Requests.Add(1, new("virtual_host", "default/shop"), new("route", "api-users"), new("upstream", "default/b"), new("status_class", i == 0 ? "5xx" : "2xx"));
        }

        var report = DashboardReport.Build(compiled.Config, [], traffic, DateTimeOffset.UtcNow);

        Assert.True(report.ObservingRequests);
        var route = report.Hosts.Single().Routes.Single(r => r.Name == "api-users");
        Assert.True(route.Requests5m >= 6);
        Assert.True(route.RequestsPerSecond1m >= 0.1);
        Assert.True(route.ErrorPercent1m > 0);
    }

    [Fact]
    public void Listing_ShortKindNames_AndYamlWithStatus()
    {
        using var compiled = new CompiledYaml(WithRejected);
        Assert.True(ResourceListing.KindsByName.TryGetValue("vs", out var kinds));
        var resources = ResourceListing.List(compiled.Config, kinds);

        Assert.Equal(["broken", "shop"], resources.Select(r => r.Name));
        Assert.Equal("Rejected", resources[0].Status);
        var yaml = ResourceListing.ToYaml(resources);
        Assert.Contains("name: shop", yaml, StringComparison.Ordinal);
        Assert.Contains("status:\n  state: Accepted", yaml, StringComparison.Ordinal);
        Assert.Contains("state: Rejected", yaml, StringComparison.Ordinal);
        Assert.Contains("cannot appear in a host", yaml, StringComparison.Ordinal);
        Assert.DoesNotContain(ResourceListing.KindsByName["all"], k => k.ToString() is "Secret" or "AuthConfig");
    }
}
