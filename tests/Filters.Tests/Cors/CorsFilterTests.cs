using Microsoft.AspNetCore.Http;
using Sluice.Filters.Cors;

namespace Sluice.Filters.Tests.Cors;

public sealed class CorsFilterTests
{
    private static readonly CorsPolicy Policy = new()
    {
        AllowOrigin = ["https://app.example.com"],
        AllowOriginRegex = [@"https://[a-z]+\.partner\.test"],
        AllowMethods = ["GET", "PUT"],
        AllowHeaders = ["content-type", "x-token"],
        ExposeHeaders = ["x-request-id", "x-trace"],
        MaxAge = "1h",
        AllowCredentials = true,
    };

    [Fact]
    public async Task Preflight_FromAnAllowedOrigin_IsAnsweredWithThePolicy()
    {
        var exchange = Exchange("OPTIONS", "https://app.example.com", requestMethod: "PUT", requestHeaders: "x-token");

        Assert.Equal(FilterVerdict.Handled, await Compile(Policy).OnRequestAsync(exchange));

        var response = exchange.HttpContext.Response;
        Assert.Equal(200, response.StatusCode);
        Assert.Equal(0, response.ContentLength);
        Assert.Equal("https://app.example.com", response.Headers.AccessControlAllowOrigin.ToString());
        Assert.Equal("GET,PUT", response.Headers.AccessControlAllowMethods.ToString());
        Assert.Equal("content-type,x-token", response.Headers.AccessControlAllowHeaders.ToString());
        Assert.Equal("3600", response.Headers.AccessControlMaxAge.ToString());
        Assert.Equal("true", response.Headers.AccessControlAllowCredentials.ToString());
        Assert.Equal("Origin", response.Headers.Vary.ToString());
        Assert.False(response.Headers.ContainsKey("access-control-expose-headers"));
    }

    [Fact]
    public async Task Preflight_FromAnotherOrigin_IsForwardedUntouched()
    {
        var exchange = Exchange("OPTIONS", "https://evil.test", requestMethod: "PUT");
        var filter = Compile(Policy);

        Assert.Equal(FilterVerdict.Continue, await filter.OnRequestAsync(exchange));
        filter.OnResponseHeaders(exchange);

        Assert.Empty(exchange.HttpContext.Response.Headers);
    }

    [Fact]
    public async Task Options_WithoutRequestMethod_IsNotAPreflight()
    {
        var exchange = Exchange("OPTIONS", "https://app.example.com");
        var filter = Compile(Policy);

        Assert.Equal(FilterVerdict.Continue, await filter.OnRequestAsync(exchange));
        filter.OnResponseHeaders(exchange);

        Assert.Equal("https://app.example.com", exchange.HttpContext.Response.Headers.AccessControlAllowOrigin.ToString());
    }

    [Fact]
    public async Task Preflight_StarMethodsAndHeaders_EchoWhatTheBrowserAsked()
    {
        var exchange = Exchange("OPTIONS", "https://app.example.com", requestMethod: "PATCH", requestHeaders: "x-a, x-b");
        var policy = new CorsPolicy { AllowOrigin = ["https://app.example.com"], AllowMethods = ["*"], AllowHeaders = ["*"] };

        await Compile(policy).OnRequestAsync(exchange);

        var headers = exchange.HttpContext.Response.Headers;
        Assert.Equal("PATCH", headers.AccessControlAllowMethods.ToString());
        Assert.Equal("x-a, x-b", headers.AccessControlAllowHeaders.ToString());
        Assert.False(headers.ContainsKey("access-control-allow-credentials"));
        Assert.False(headers.ContainsKey("access-control-max-age"));
    }

    [Theory]
    [InlineData("https://app.example.com", true)]
    [InlineData("https://APP.example.com", false)]
    [InlineData("https://app.example.com.evil.test", false)]
    [InlineData("https://shop.partner.test", true)]
    [InlineData("https://shop.partner.test.evil", false)]
    [InlineData("http://shop.partner.test", false)]
    public async Task ActualRequest_GetsCorsHeadersOnlyFromAnAllowedOrigin(string origin, bool allowed)
    {
        var exchange = Exchange("GET", origin);
        var filter = Compile(Policy);

        Assert.Equal(FilterVerdict.Continue, await filter.OnRequestAsync(exchange));
        filter.OnResponseHeaders(exchange);

        var headers = exchange.HttpContext.Response.Headers;
        Assert.Equal(allowed ? origin : string.Empty, headers.AccessControlAllowOrigin.ToString());
        Assert.Equal(allowed ? "true" : string.Empty, headers.AccessControlAllowCredentials.ToString());
        Assert.Equal(allowed ? "x-request-id,x-trace" : string.Empty, headers.AccessControlExposeHeaders.ToString());
        Assert.Equal(allowed ? "Origin" : string.Empty, headers.Vary.ToString());
        Assert.False(headers.ContainsKey("access-control-allow-methods"));
    }

    [Fact]
    public async Task ActualRequest_WildcardOriginWithCredentials_EchoesTheOriginNeverStar()
    {
        var exchange = Exchange("POST", "https://anyone.test");
        var filter = Compile(new CorsPolicy { AllowOrigin = ["*"], AllowCredentials = true });

        await filter.OnRequestAsync(exchange);
        filter.OnResponseHeaders(exchange);

        Assert.Equal("https://anyone.test", exchange.HttpContext.Response.Headers.AccessControlAllowOrigin.ToString());
    }

    [Fact]
    public async Task ActualRequest_KeepsTheUpstreamsVary_AndDoesNotRepeatOrigin()
    {
        var filter = Compile(Policy);
        var exchange = Exchange("GET", "https://app.example.com");
        await filter.OnRequestAsync(exchange);
        exchange.HttpContext.Response.Headers.Vary = "Accept-Encoding";
        filter.OnResponseHeaders(exchange);
        Assert.Equal(new[] { "Accept-Encoding", "Origin" }, (string[])exchange.HttpContext.Response.Headers.Vary!);

        var again = Exchange("GET", "https://app.example.com");
        await filter.OnRequestAsync(again);
        again.HttpContext.Response.Headers.Vary = "accept-encoding, origin";
        filter.OnResponseHeaders(again);
        Assert.Equal("accept-encoding, origin", again.HttpContext.Response.Headers.Vary.ToString());
    }

    [Fact]
    public async Task RequestWithoutOrigin_IsUntouched()
    {
        var exchange = Exchange("OPTIONS", origin: null, requestMethod: "GET");
        var filter = Compile(Policy);

        Assert.Equal(FilterVerdict.Continue, await filter.OnRequestAsync(exchange));
        filter.OnResponseHeaders(exchange);

        Assert.Empty(exchange.HttpContext.Response.Headers);
    }

    [Fact]
    public async Task DisableForRoute_AnswersNothingAndAddsNothing()
    {
        var exchange = Exchange("OPTIONS", "https://app.example.com", requestMethod: "GET");
        var filter = Compile(Policy with { DisableForRoute = true });

        Assert.Equal(FilterVerdict.Continue, await filter.OnRequestAsync(exchange));
        filter.OnResponseHeaders(exchange);

        Assert.Empty(exchange.HttpContext.Response.Headers);
        Assert.Equal("cors disabled for route", filter.Describe());
    }

    [Fact]
    public void Compile_RunsInTheCorsStage_AndDescribesThePolicy()
    {
        var filter = Compile(Policy);

        Assert.Equal(FilterStage.Cors, filter.Stage);
        Assert.Equal(
            @"cors origins [https://app.example.com, /https://[a-z]+\.partner\.test/] methods=GET,PUT headers=content-type,x-token expose=x-request-id,x-trace maxAge=3600 credentials",
            filter.Describe());
    }

    private static HttpFilter Compile(CorsPolicy policy) => new CorsFilterDescriptor().Compile(policy);

    private static ProxyExchange Exchange(string method, string? origin, string? requestMethod = null, string? requestHeaders = null)
    {
        var context = new DefaultHttpContext();
        context.Request.Method = method;
        if (origin is not null)
        {
            context.Request.Headers.Origin = origin;
        }

        if (requestMethod is not null)
        {
            context.Request.Headers.AccessControlRequestMethod = requestMethod;
        }

        if (requestHeaders is not null)
        {
            context.Request.Headers.AccessControlRequestHeaders = requestHeaders;
        }

        return new ProxyExchange(context, "/api", "default/vs/route-0");
    }
}
