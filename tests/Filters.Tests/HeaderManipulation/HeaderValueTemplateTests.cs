using System.Net;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Sluice.Filters.HeaderManipulation;

namespace Sluice.Filters.Tests.HeaderManipulation;

public sealed class HeaderValueTemplateTests
{
    private static readonly DateTimeOffset Start = new(2024, 5, 1, 12, 30, 45, 123, TimeSpan.Zero);

    [Theory]
    [InlineData("plain", "plain")]
    [InlineData("", "")]
    [InlineData("100%% sure", "100% sure")]
    [InlineData("%%REQ(x)%%", "%REQ(x)%")]
    public void TryParse_ValueWithoutVariables_IsAConstant(string text, string expected)
    {
        Assert.True(HeaderValueTemplate.TryParse(text, out var template, out var error), error);
        Assert.Equal(expected, template.Constant);
        Assert.Equal(expected, template.Evaluate(Exchange()));
    }

    [Fact]
    public void TryParse_Hostname_IsResolvedOnceIntoAConstant()
    {
        Assert.True(HeaderValueTemplate.TryParse("host=%HOSTNAME%", out var template, out _));
        Assert.Equal("host=" + Dns.GetHostName(), template.Constant);
    }

    [Fact]
    public void TryParse_ValueWithAVariable_IsNotAConstant()
    {
        Assert.True(HeaderValueTemplate.TryParse("id=%REQ(x-id)%", out var template, out _));
        Assert.Null(template.Constant);
    }

    [Theory]
    [InlineData("%DOWNSTREAM_REMOTE_ADDRESS%", "127.0.0.1:50123")]
    [InlineData("%DOWNSTREAM_REMOTE_ADDRESS_WITHOUT_PORT%", "127.0.0.1")]
    [InlineData("%PROTOCOL%", "HTTP/1.1")]
    [InlineData("%ROUTE_NAME%", "default/vs/route-0")]
    [InlineData("%UPSTREAM_CLUSTER%", "default/backend")]
    [InlineData("%START_TIME%", "2024-05-01T12:30:45.123Z")]
    [InlineData("%START_TIME(%s)%", "1714566645")]
    [InlineData("%START_TIME(%Y/%m/%d %H:%M:%S)%", "2024/05/01 12:30:45")]
    [InlineData("%START_TIME(%F %T %Z %z)%", "2024-05-01 12:30:45 UTC +0000")]
    [InlineData("%START_TIME(%E3S|%3f|%f|%9f)%", "45.123|123|123000000|123000000")]
    [InlineData("%START_TIME(%a %b %d %I %p %%)%", "Wed May 01 12 PM %")]
    [InlineData("%REQ(x-id)%", "abc")]
    [InlineData("%REQ(X-ID)%", "abc")]
    [InlineData("%REQ(x-missing)%", "")]
    [InlineData("%REQ(x-missing?x-id)%", "abc")]
    [InlineData("%REQ(x-id?x-other)%", "abc")]
    [InlineData("%REQ(x-long):4%", "0123")]
    [InlineData("%REQ(x-multi)%", "first")]
    [InlineData("%REQ(:method)%", "POST")]
    [InlineData("%REQ(:AUTHORITY)%", "api.example.com")]
    [InlineData("%REQ(:path)%", "/orders?id=7")]
    [InlineData("%REQ(:scheme)%", "http")]
    [InlineData("client %DOWNSTREAM_REMOTE_ADDRESS_WITHOUT_PORT% via %PROTOCOL% id=%REQ(x-id)% 5%%", "client 127.0.0.1 via HTTP/1.1 id=abc 5%")]
    public void Evaluate_ReadsTheRequest(string text, string expected)
    {
        Assert.True(HeaderValueTemplate.TryParse(text, out var template, out var error), error);
        Assert.Equal(expected, template.Evaluate(Exchange()));
    }

    [Fact]
    public void Evaluate_Ipv6Client_IsBracketedWithThePort()
    {
        var exchange = Exchange();
        exchange.HttpContext.Connection.RemoteIpAddress = IPAddress.IPv6Loopback;
        HeaderValueTemplate.TryParse("%DOWNSTREAM_REMOTE_ADDRESS%|%DOWNSTREAM_REMOTE_ADDRESS_WITHOUT_PORT%", out var template, out _);
        Assert.Equal("[::1]:50123|::1", template!.Evaluate(exchange));
    }

    [Fact]
    public void Evaluate_Ipv4MappedClient_IsPrintedAsIpv4()
    {
        var exchange = Exchange();
        exchange.HttpContext.Connection.RemoteIpAddress = IPAddress.Parse("127.0.0.1").MapToIPv6();
        HeaderValueTemplate.TryParse("%DOWNSTREAM_REMOTE_ADDRESS%", out var template, out _);
        Assert.Equal("127.0.0.1:50123", template!.Evaluate(exchange));
    }

    [Fact]
    public void Evaluate_NoUpstreamAndNoClientAddress_IsEmpty()
    {
        var exchange = Exchange();
        exchange.UpstreamName = null;
        exchange.HttpContext.Connection.RemoteIpAddress = null;
        HeaderValueTemplate.TryParse("%UPSTREAM_CLUSTER%%DOWNSTREAM_REMOTE_ADDRESS%", out var template, out _);
        Assert.Equal(string.Empty, template!.Evaluate(exchange));
    }

    [Theory]
    [InlineData("50%", "'%' at character 3 does not start a variable; write '%%' for a literal percent sign (variables: " + HeaderValueTemplate.SupportedVariables + ")")]
    [InlineData("% off", "'%' at character 1 does not start a variable; write '%%' for a literal percent sign (variables: " + HeaderValueTemplate.SupportedVariables + ")")]
    [InlineData("%PROTOCOL", "variable '%PROTOCOL' at character 1 is not closed by '%'; write '%%' for a literal percent sign")]
    [InlineData("x%REQ(a%", "variable '%REQ(' at character 2 has no closing ')'")]
    [InlineData("%CLIENT_IP%", "unknown variable '%CLIENT_IP%'; Sluice supports " + HeaderValueTemplate.SupportedVariables)]
    [InlineData("%req(x)%", "unknown variable '%req(x)%'; Sluice supports " + HeaderValueTemplate.SupportedVariables)]
    [InlineData("%REQ%", "'%REQ%' needs a header name, as in %REQ(x-request-id)%")]
    [InlineData("%REQ()%", "'%REQ()%' needs a header name, as in %REQ(x-request-id)%")]
    [InlineData("%REQ(a b)%", "'%REQ(a b)%': 'a b' is not a header name")]
    [InlineData("%REQ(:status)%", "'%REQ(:status)%': ':status' is not a pseudo-header Sluice can read; use :method, :path, :scheme or :authority")]
    [InlineData("%REQ(x):0%", "variable '%REQ' at character 1: ':' must be followed by a positive maximum length, as in %REQ(user-agent):64%")]
    [InlineData("%PROTOCOL(x)%", "'%PROTOCOL(x)%': %PROTOCOL% takes no argument")]
    [InlineData("%ROUTE_NAME:3%", "'%ROUTE_NAME:3%': only %REQ(...)% takes a maximum length")]
    [InlineData("%START_TIME(%Q)%", "'%START_TIME(%Q)%': START_TIME format specifier '%Q' is not supported; Sluice supports " + StartTimeFormat.Supported)]
    [InlineData("%START_TIME(%)%", "'%START_TIME(%)%': START_TIME format '%' ends with a lone '%'; write '%%' for a percent sign")]
    public void TryParse_InvalidValue_SaysWhatAndWhere(string text, string expected)
    {
        Assert.False(HeaderValueTemplate.TryParse(text, out _, out var error));
        Assert.Equal(expected, error);
    }

    [Fact]
    public void ReadsRequestHeader_SeesPrimaryAndFallbackNames()
    {
        HeaderValueTemplate.TryParse("%REQ(x-a?X-B)%", out var template, out _);
        Assert.True(template!.ReadsRequestHeader("x-a"));
        Assert.True(template.ReadsRequestHeader("x-b"));
        Assert.False(template.ReadsRequestHeader("x-c"));
    }

    internal static ProxyExchange Exchange()
    {
        var context = new DefaultHttpContext();
        context.Connection.RemoteIpAddress = IPAddress.Loopback;
        context.Connection.RemotePort = 50123;
        context.Request.Protocol = "HTTP/1.1";
        context.Request.Method = "POST";
        context.Request.Scheme = "http";
        context.Request.Host = new HostString("api.example.com");
        context.Features.Get<IHttpRequestFeature>()!.RawTarget = "/orders?id=7";
        context.Request.Headers["x-id"] = "abc";
        context.Request.Headers["x-long"] = "0123456789";
        context.Request.Headers["x-multi"] = new Microsoft.Extensions.Primitives.StringValues(["first", "second"]);
        return new ProxyExchange(context, "/orders", "default/vs/route-0") { UpstreamName = "default/backend", StartTime = Start };
    }
}
