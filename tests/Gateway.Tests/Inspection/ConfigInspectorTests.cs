using Sluice.Filters;
using Sluice.Gateway.Inspection;

namespace Sluice.Gateway.Tests.Inspection;

/// <summary>
/// inspect shows the effective options of a route with the layer each came from (Gateway, virtual host, delegation
/// parent, route, weighted destination) and what it replaced; names resolve by key, name, field path or suffix.
/// </summary>
public sealed class ConfigInspectorTests
{
    [Fact]
    public void Route_DelegatedChild_ShowsEveryOptionWithTheLayerItCameFrom()
    {
        using var compiled = new CompiledYaml(CompiledYaml.Layered);
        var result = new ConfigInspector(compiled.Config, FilterRegistry.Default, liveHealth: false).Route("api-users");

        var route = Assert.IsType<RouteReport>(result.Route);
        Assert.Equal("default/shop", route.VirtualHost);
        Assert.Equal(0, route.Index);
        Assert.Equal("RouteTable default/api routes[0]", route.DefinedAt);
        Assert.Equal(["VirtualService default/shop virtualHost.routes[0]"], route.DelegatedThrough);

        var options = route.Options.ToDictionary(o => o.Name);
        Assert.Equal("RouteTable default/api routes[0].options", options["timeout"].Source);
        Assert.Equal(["VirtualService default/shop virtualHost.options", "Gateway default/http httpGateway.options"], options["timeout"].Overrides);
        Assert.Contains("5000ms", options["timeout"].Value, StringComparison.Ordinal);
        Assert.Equal("Gateway default/http httpGateway.options", options["retries"].Source);
        Assert.Empty(options["retries"].Overrides);
        Assert.Equal("VirtualService default/shop virtualHost.routes[0].options", options["hostRewrite"].Source);
        Assert.Equal("VirtualService default/shop virtualHost.options", options["headerManipulation"].Source);
        Assert.Equal("RouteTable default/api routes[0].options", options["regexRewrite"].Source);

        // The location points at the option's own line in the file (the timeout under the route table's route).
        Assert.StartsWith("/config/test.yaml:", options["timeout"].Location, StringComparison.Ordinal);
        Assert.NotEqual(options["timeout"].Location, options["headerManipulation"].Location);

        Assert.Contains("cors", route.Defaults);
        Assert.DoesNotContain("timeout", route.Defaults);

        // Filters in stage order: header manipulation (Transform) before the rewrites and timeout (Route).
        Assert.Equal("headerManipulation", route.Filters[0].Option);
        Assert.All(route.Filters.Skip(1), f => Assert.Equal("Route", f.Stage));
    }

    [Fact]
    public void Route_WeightedDestinationOptions_AreShownWithTheDestinationAsSource()
    {
        using var compiled = new CompiledYaml(CompiledYaml.Layered);
        var route = new ConfigInspector(compiled.Config, FilterRegistry.Default, liveHealth: false).Route("split").Route!;

        Assert.Equal(2, route.Destinations.Count);
        var b = Assert.Single(route.Destinations, d => d.Upstream == "default/b");
        var rewrite = Assert.Single(b.Options);
        Assert.Equal("prefixRewrite", rewrite.Name);
        Assert.Equal("VirtualService default/shop virtualHost.routes[1].routeAction.multi.destinations[1].options", rewrite.Source);
        Assert.Contains(b.Filters, f => f.Option == "prefixRewrite");
        Assert.Empty(Assert.Single(route.Destinations, d => d.Upstream == "default/a").Options);
    }

    [Theory]
    [InlineData("default/shop/0")]
    [InlineData("api-users")]
    [InlineData("default/api/routes[0]")]
    [InlineData("USERS")]
    public void Route_IsFoundByKeyNameFieldPathOrUniqueSuffix(string query)
    {
        using var compiled = new CompiledYaml(CompiledYaml.Layered);
        var result = new ConfigInspector(compiled.Config, FilterRegistry.Default, liveHealth: false).Route(query);

        Assert.Null(result.Error);
        Assert.Equal("api-users", result.Route!.Name);
    }

    [Fact]
    public void Route_AmbiguousSuffix_ListsTheCandidates()
    {
        using var compiled = new CompiledYaml(CompiledYaml.Layered);
        var result = new ConfigInspector(compiled.Config, FilterRegistry.Default, liveHealth: false).Route("t");

        Assert.Null(result.Route);
        Assert.Contains("say which", result.Error, StringComparison.Ordinal);
        Assert.Equal(["default/shop/1  (api-rest)", "default/shop/2  (split)"], result.Candidates);
    }

    [Fact]
    public void Route_Unknown_SaysSoAndListsKnownRoutes()
    {
        using var compiled = new CompiledYaml(CompiledYaml.Layered);
        var result = new ConfigInspector(compiled.Config, FilterRegistry.Default, liveHealth: false).Route("nope");

        Assert.Equal("no route named 'nope'", result.Error);
        Assert.Equal(4, result.Candidates.Count);
    }

    [Fact]
    public void Host_ByDomain_ShowsItsOptionsAndRoutesInMatchOrder()
    {
        using var compiled = new CompiledYaml(CompiledYaml.Layered);
        var host = new ConfigInspector(compiled.Config, FilterRegistry.Default, liveHealth: false).Host("shop.test").Host!;

        Assert.Equal("default/shop", host.Name);
        Assert.Equal(["api-users", "api-rest", "split", "catch-all"], host.Routes.Select(r => r.Name));
        Assert.Equal("VirtualService default/shop virtualHost.options", host.Options.Single(o => o.Name == "timeout").Source);
        Assert.Equal(["Gateway default/http httpGateway.options"], host.Options.Single(o => o.Name == "timeout").Overrides);
    }

    [Fact]
    public void Upstream_ListsEveryRouteSendingTrafficWithTheFiltersOnTheWay()
    {
        using var compiled = new CompiledYaml(CompiledYaml.Layered);
        var upstream = new ConfigInspector(compiled.Config, FilterRegistry.Default, liveHealth: false).Upstream("b").Upstream!;

        Assert.Equal("default/b", upstream.Name);
        Assert.Equal(["127.0.0.1:9002", "127.0.0.1:9003"], upstream.Endpoints.Select(e => e.Address));
        Assert.All(upstream.Endpoints, e => Assert.Equal("unknown (offline)", e.Health));
        Assert.Equal(["api-users", "split"], upstream.Routes.Select(r => r.Route));
        var split = upstream.Routes.Single(r => r.Route == "split");
        Assert.Equal((1u, 4u), (split.Weight, split.TotalWeight));
        Assert.Contains(split.Filters, f => f.Description == "prefixRewrite /b");
    }

    [Fact]
    public void Upstream_LiveHealth_MarksAnUnhealthyEndpoint()
    {
        using var compiled = new CompiledYaml(CompiledYaml.Layered);
        var cluster = compiled.Config.Clusters["default/b"];
        cluster.Endpoints[1].State.RecordCheckFailure(unhealthyThreshold: 1, immediate: true);

        var upstream = new ConfigInspector(compiled.Config, FilterRegistry.Default, liveHealth: true).Upstream("default/b").Upstream!;

        Assert.Equal("healthy", upstream.Endpoints[0].Health);
        Assert.StartsWith("unhealthy", upstream.Endpoints[1].Health, StringComparison.Ordinal);
    }
}
