using Microsoft.AspNetCore.Http;
using Sluice.Filters.Retry;

namespace Sluice.Filters.Tests.Retry;

public sealed class AttemptCountFilterTests
{
    [Fact]
    public void InResponse_SetsTheHeaderToTheAttemptCount_ReplacingTheUpstreams()
    {
        var exchange = new ProxyExchange(new DefaultHttpContext(), "/", "route") { Chain = [] };
        exchange.HttpContext.Response.Headers["x-envoy-attempt-count"] = "7";
        exchange.AttemptCount = 3;

        new IncludeAttemptCountInResponseFilterDescriptor().Compile(true).OnResponseHeaders(exchange);

        Assert.Equal("3", exchange.HttpContext.Response.Headers["x-envoy-attempt-count"].ToString());
    }

    [Fact]
    public void InResponse_Disabled_LeavesTheResponseAlone()
    {
        var exchange = new ProxyExchange(new DefaultHttpContext(), "/", "route");
        new IncludeAttemptCountInResponseFilterDescriptor().Compile(false).OnResponseHeaders(exchange);
        Assert.False(exchange.HttpContext.Response.Headers.ContainsKey("x-envoy-attempt-count"));
    }

    [Fact]
    public void InResponse_AliasName_WarnsWithGloosName()
    {
        var alias = new IncludeAttemptCountInResponseFilterDescriptor(IncludeAttemptCountInResponseFilterDescriptor.AliasName);
        Assert.Equal("includeRequestAttemptCountInResponse", alias.OptionName);
        Assert.Equal("warning : 'includeRequestAttemptCountInResponse' is read as Gloo's 'includeAttemptCountInResponse'; write that name", Assert.Single(RecordingDiagnostics.Validate(alias, true)));
        Assert.Empty(RecordingDiagnostics.Validate(new IncludeAttemptCountInResponseFilterDescriptor(), true));
    }

    [Fact]
    public async Task InRequest_NumbersTheFirstAttempt_AndMarksTheExchange()
    {
        var exchange = new ProxyExchange(new DefaultHttpContext(), "/", "route");
        exchange.HttpContext.Request.Headers["x-envoy-attempt-count"] = "9";

        await new IncludeRequestAttemptCountFilterDescriptor().Compile(true).OnRequestAsync(exchange);

        Assert.True(exchange.IncludeAttemptCountInRequest);
        Assert.Equal("1", exchange.HttpContext.Request.Headers["x-envoy-attempt-count"].ToString());
    }

    [Fact]
    public async Task InRequest_Disabled_PassesTheClientsHeaderThrough()
    {
        var exchange = new ProxyExchange(new DefaultHttpContext(), "/", "route");
        exchange.HttpContext.Request.Headers["x-envoy-attempt-count"] = "9";

        await new IncludeRequestAttemptCountFilterDescriptor().Compile(false).OnRequestAsync(exchange);

        Assert.False(exchange.IncludeAttemptCountInRequest);
        Assert.Equal("9", exchange.HttpContext.Request.Headers["x-envoy-attempt-count"].ToString());
    }

    [Theory]
    [InlineData(1, "1")]
    [InlineData(15, "15")]
    [InlineData(16, "16")]
    [InlineData(123, "123")]
    public void AttemptCountText_FormatsAnyCount(int count, string expected) => Assert.Equal(expected, AttemptCountText.Of(count));
}
