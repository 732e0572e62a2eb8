using Microsoft.AspNetCore.Http;
using Sluice.Filters.Shadowing;
using Sluice.Filters.Tests.Retry;

namespace Sluice.Filters.Tests.Shadowing;

public sealed class ShadowingFilterTests
{
    [Fact]
    public async Task AtOneHundredPercent_EveryRequestIsMirrored()
    {
        var filter = (ShadowingFilter)new ShadowingFilterDescriptor(new FixedRandom(0.999999)).Compile(Options(100));
        var exchange = Exchange();

        Assert.Equal(FilterVerdict.Continue, await filter.OnRequestAsync(exchange));
        Assert.Same(filter.Policy, exchange.Shadow);
    }

    [Fact]
    public async Task AtZeroPercent_NoRequestIsMirrored()
    {
        var filter = new ShadowingFilterDescriptor(new FixedRandom(0)).Compile(Options(0));
        var exchange = Exchange();
        await filter.OnRequestAsync(exchange);
        Assert.Null(exchange.Shadow);
    }

    [Theory]
    [InlineData(0.25, 25, false)]
    [InlineData(0.2499, 25, true)]
    public async Task Percentage_IsTheShareOfDraws_BelowIt(double draw, double percentage, bool mirrored)
    {
        var exchange = Exchange();
        await new ShadowingFilterDescriptor(new FixedRandom(draw)).Compile(Options(percentage)).OnRequestAsync(exchange);
        Assert.Equal(mirrored, exchange.Shadow is not null);
    }

    [Fact]
    public void ClusterKey_UsesTheGivenNamespace_OrTheVirtualServices()
    {
        Assert.Equal("mirrors/shadow", new ShadowPolicy("shadow", "mirrors").ClusterKey("shop/storefront"));
        Assert.Equal("shop/shadow", new ShadowPolicy("shadow", null).ClusterKey("shop/storefront"));
        Assert.Equal("shop/shadow", new ShadowPolicy("shadow", string.Empty).ClusterKey("shop/storefront"));
    }

    [Fact]
    public void Describe_NamesTheUpstreamAndShare() =>
        Assert.Equal("shadowing mirrors/shadow at 12.5%", new ShadowingFilterDescriptor().Compile(Options(12.5, "mirrors")).Describe());

    [Fact]
    public void GlooExample_IsValid_AndRouteOnly()
    {
        var descriptor = new ShadowingFilterDescriptor();
        Assert.Empty(RecordingDiagnostics.Validate(descriptor, Options(10, "gloo-system")));
        Assert.False(descriptor.AllowedOnVirtualHost);
        Assert.Equal(FilterStage.Route, descriptor.Stage);
    }

    [Theory]
    [InlineData(-0.5)]
    [InlineData(101)]
    public void PercentageOutOfRange_IsAnError(double percentage) =>
        Assert.StartsWith("error percentage: percentage must be between 0 and 100", Assert.Single(RecordingDiagnostics.Validate(new ShadowingFilterDescriptor(), Options(percentage))), StringComparison.Ordinal);

    [Fact]
    public void ZeroPercentage_IsAWarning() =>
        Assert.Equal("warning percentage: percentage is 0 (Gloo's default when it is left out), so no request is mirrored",
            Assert.Single(RecordingDiagnostics.Validate(new ShadowingFilterDescriptor(), Options(0))));

    [Fact]
    public void EmptyUpstreamName_IsAnError() =>
        Assert.Equal("error upstream.name: upstream.name must name the Upstream that receives the copies",
            Assert.Single(RecordingDiagnostics.Validate(new ShadowingFilterDescriptor(), new ShadowingOptions { Percentage = 5, Upstream = new ShadowUpstreamRef() })));

    private static ShadowingOptions Options(double percentage, string? ns = null) =>
        new() { Percentage = percentage, Upstream = new ShadowUpstreamRef { Name = "shadow", Namespace = ns } };

    private static ProxyExchange Exchange() => new(new DefaultHttpContext(), "/", "route") { VirtualHostName = "default/vs" };
}
