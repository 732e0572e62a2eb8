using System.Net.Http.Json;
using System.Text.Json;
using Sluice.EndToEnd.Tests.Harness;

namespace Sluice.EndToEnd.Tests.Tools;

/// <summary>
/// <c>sluice inspect</c> and <c>sluice route test</c> as a user runs them: the real executable against a running
/// gateway's admin API and offline on the same files; route test's prediction is checked against a real request.
/// </summary>
public sealed class InspectAndRouteTestTests
{
    [Fact]
    public async Task InspectRoute_ShowsProvenance_OnlineAndOfflineAlike()
    {
        await using var scenario = await ToolsScenario.StartAsync();

        var online = await scenario.RunAsync("inspect", "route", "api-users", "--admin", scenario.AdminUrl);
        var offline = await scenario.RunAsync("inspect", "route", "api-users", "--config", scenario.Gateway.ConfigDirectory);

        Assert.Equal(0, online.Exit);
        Assert.Contains("defined at    RouteTable default/api routes[0]", online.Stdout, StringComparison.Ordinal);
        Assert.Contains("delegated by  VirtualService default/shop virtualHost.routes[0]", online.Stdout, StringComparison.Ordinal);
        Assert.Contains("from RouteTable default/api routes[0].options", online.Stdout, StringComparison.Ordinal);
        Assert.Contains("overrides VirtualService default/shop virtualHost.options", online.Stdout, StringComparison.Ordinal);
        Assert.Contains("from VirtualService default/shop virtualHost.routes[0].options", online.Stdout, StringComparison.Ordinal);
        Assert.Contains("shop.yaml:", online.Stdout, StringComparison.Ordinal);

        // The same files compiled offline give the same answer (listener names differ only in nothing: same Gateways).
        Assert.Equal(0, offline.Exit);
        Assert.Equal(online.Stdout, offline.Stdout);
    }

    [Fact]
    public async Task InspectRoute_AmbiguousName_ListsCandidatesAndFails()
    {
        await using var scenario = await ToolsScenario.StartAsync();

        var result = await scenario.RunAsync("inspect", "route", "api", "--admin", scenario.AdminUrl);

        // "api" is the delegating route's own name, which serves nothing itself; api-users, api-rest do not end in "api".
        Assert.Equal(1, result.Exit);
        Assert.Contains("no route named 'api'", result.Stderr, StringComparison.Ordinal);
        Assert.Contains("default/shop/0  (api-users)", result.Stderr, StringComparison.Ordinal);

        var ambiguous = await scenario.RunAsync("inspect", "route", "rest", "--admin", scenario.AdminUrl);
        Assert.Equal(0, ambiguous.Exit);

        var two = await scenario.RunAsync("inspect", "route", "e", "--admin", scenario.AdminUrl);
        Assert.Equal(1, two.Exit);
        Assert.Contains("say which", two.Stderr, StringComparison.Ordinal);
        Assert.Contains("(sick-route)", two.Stderr, StringComparison.Ordinal);
        Assert.Contains("(home)", two.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task InspectUpstream_ShowsRoutesAndLiveHealth_OfflineHealthIsUnknown()
    {
        await using var scenario = await ToolsScenario.StartAsync();
        await scenario.WaitForSickAsync();

        var online = await scenario.RunAsync("inspect", "upstream", "sick", "--admin", scenario.AdminUrl);
        Assert.Equal(0, online.Exit);
        Assert.Contains($"127.0.0.1:{scenario.Sick.Port}", online.Stdout, StringComparison.Ordinal);
        Assert.Contains("unhealthy (health check failing)", online.Stdout, StringComparison.Ordinal);
        Assert.Contains("default/shop  sick-route", online.Stdout, StringComparison.Ordinal);
        Assert.Contains("headerManipulation", online.Stdout, StringComparison.Ordinal);

        var offline = await scenario.RunAsync("inspect", "upstream", "sick", "-c", scenario.Gateway.ConfigDirectory);
        Assert.Contains("unknown (offline)", offline.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RouteTest_PredictsWhatTheBackendReceives()
    {
        await using var scenario = await ToolsScenario.StartAsync();
        var url = $"http://shop.test:{scenario.Gateway.HttpPort}/api/users/42?page=2";

        var result = await scenario.RunAsync("route", "test", "GET", url, "-H", "x-client: cli", "--admin", scenario.AdminUrl, "-o", "json");
        Assert.Equal(0, result.Exit);
        using var report = JsonDocument.Parse(result.Stdout);
        var root = report.RootElement;
        Assert.Equal("api-users", root.GetProperty("route").GetString());
        Assert.Equal("api-rest", root.GetProperty("nextRoute").GetString());
        Assert.Equal("default/shop", root.GetProperty("upstream").GetString());
        Assert.Equal($"127.0.0.1:{scenario.Shop.Port}", root.GetProperty("endpoint").GetString());

        // The real request through the gateway reaches the backend exactly as predicted.
        using var client = scenario.Gateway.CreateClient();
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/users/42?page=2");
        request.Headers.Host = $"shop.test:{scenario.Gateway.HttpPort}";
        request.Headers.Add("x-client", "cli");
        using var response = await client.SendAsync(request);
        var echo = (await response.Content.ReadFromJsonAsync<EchoResponse>(EchoResponse.JsonOptions))!;
        Assert.Equal(root.GetProperty("upstreamPath").GetString(), echo.Path + echo.Query);
        Assert.Equal("/people/42?page=2", echo.Path + echo.Query);
        Assert.Equal(root.GetProperty("upstreamHost").GetString(), echo.Host);
        var predicted = root.GetProperty("upstreamHeaders").EnumerateArray().Select(h => h.GetString()!).ToList();
        Assert.Contains("x-shop: vh", predicted);
        Assert.Equal("vh", echo.Headers["x-shop"]);
        Assert.Equal("cli", echo.Headers["x-client"]);

        // Offline on the same files: the same route and rewrite, in text.
        var offline = await scenario.RunAsync("route", "test", "GET", url, "-H", "x-client: cli", "--config", scenario.Gateway.ConfigDirectory);
        Assert.Equal(0, offline.Exit);
        Assert.Contains("route         api-users", offline.Stdout, StringComparison.Ordinal);
        Assert.Contains("  /people/42?page=2", offline.Stdout, StringComparison.Ordinal);
        Assert.Contains("  host: api.internal", offline.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RouteTest_NoMatch_ExitsOne_BadUsageExitsTwo()
    {
        await using var scenario = await ToolsScenario.StartAsync();

        var none = await scenario.RunAsync("route", "test", "GET", $"http://nobody.test:{scenario.Gateway.HttpPort}/", "--admin", scenario.AdminUrl);
        Assert.Equal(1, none.Exit);
        Assert.Contains("404 no route", none.Stdout, StringComparison.Ordinal);

        var bad = await scenario.RunAsync("route", "test", "GET", "not-a-url", "--admin", scenario.AdminUrl);
        Assert.Equal(2, bad.Exit);
        Assert.Contains("not an absolute http", bad.Stderr, StringComparison.Ordinal);

        var unreachable = await scenario.RunAsync("route", "test", "GET", "http://x/", "--admin", $"127.0.0.1:{FreePort.Next()}");
        Assert.Equal(2, unreachable.Exit);
        Assert.Contains("cannot read the admin API", unreachable.Stderr, StringComparison.Ordinal);
    }
}
