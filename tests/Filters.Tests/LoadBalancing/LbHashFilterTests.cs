using System.Net;
using Microsoft.AspNetCore.Http;
using Sluice.Filters.LoadBalancing;

namespace Sluice.Filters.Tests.LoadBalancing;

public sealed class LbHashFilterTests
{
    [Fact]
    public async Task Header_SameValueSameKey_DifferentValueDifferentKey()
    {
        var filter = Compile(new HashPolicy { Header = "x-user" });

        var alice1 = await RunAsync(filter, headers: ("x-user", "alice"));
        var alice2 = await RunAsync(filter, headers: ("x-user", "alice"));
        var bob = await RunAsync(filter, headers: ("x-user", "bob"));

        Assert.NotNull(alice1.HashKey);
        Assert.Equal(alice1.HashKey, alice2.HashKey);
        Assert.NotEqual(alice1.HashKey, bob.HashKey);
    }

    [Fact]
    public async Task NoPolicyYieldsAValue_LeavesTheKeyUnset()
    {
        var filter = Compile(new HashPolicy { Header = "x-user" }, new HashPolicy { Cookie = new HashCookie { Name = "session" } });

        var exchange = await RunAsync(filter);

        Assert.Null(exchange.HashKey);
    }

    [Fact]
    public async Task PoliciesThatYield_AreCombined_AsEnvoy()
    {
        var filter = Compile(new HashPolicy { Header = "x-user" }, new HashPolicy { Header = "x-tenant" });

        var both = await RunAsync(filter, headers: [("x-user", "alice"), ("x-tenant", "acme")]);
        var userOnly = await RunAsync(filter, headers: ("x-user", "alice"));
        var tenantOnly = await RunAsync(filter, headers: ("x-tenant", "acme"));

        var user = LbHashFilter.Hash("alice");
        var tenant = LbHashFilter.Hash("acme");
        Assert.Equal(user, userOnly.HashKey);
        Assert.Equal(tenant, tenantOnly.HashKey);
        Assert.Equal(((user << 1) | (user >> 63)) ^ tenant, both.HashKey);
    }

    [Fact]
    public async Task Terminal_StopsAtTheFirstPolicyThatYields()
    {
        var filter = Compile(new HashPolicy { Header = "x-user", Terminal = true }, new HashPolicy { Header = "x-tenant" });

        var both = await RunAsync(filter, headers: [("x-user", "alice"), ("x-tenant", "acme")]);
        var fallback = await RunAsync(filter, headers: ("x-tenant", "acme"));

        Assert.Equal(LbHashFilter.Hash("alice"), both.HashKey);
        Assert.Equal(LbHashFilter.Hash("acme"), fallback.HashKey);
    }

    [Fact]
    public async Task SourceIp_HashesTheClientAddress()
    {
        var filter = Compile(new HashPolicy { SourceIp = true });

        var first = await RunAsync(filter, remote: IPAddress.Parse("192.0.2.10"));
        var mapped = await RunAsync(filter, remote: IPAddress.Parse("192.0.2.10").MapToIPv6());
        var other = await RunAsync(filter, remote: IPAddress.Parse("192.0.2.11"));

        Assert.NotNull(first.HashKey);
        Assert.Equal(first.HashKey, mapped.HashKey);
        Assert.NotEqual(first.HashKey, other.HashKey);
    }

    [Fact]
    public async Task Cookie_Present_IsHashed_AndNothingIsSet()
    {
        var filter = Compile(new HashPolicy { Cookie = new HashCookie { Name = "sticky", Ttl = TimeSpan.FromHours(1) } });

        var exchange = await RunAsync(filter, headers: ("Cookie", "other=1; sticky=abc123"));
        filter.OnResponseHeaders(exchange);

        Assert.Equal(LbHashFilter.Hash("abc123"), exchange.HashKey);
        Assert.Equal(0, exchange.HttpContext.Response.Headers.SetCookie.Count);
    }

    [Fact]
    public async Task Cookie_AbsentWithTtl_IsGeneratedHashedAndSet_SoTheNextRequestSticks()
    {
        var filter = Compile(new HashPolicy { Cookie = new HashCookie { Name = "sticky", Ttl = TimeSpan.FromMinutes(10), Path = "/shop" } });

        var first = await RunAsync(filter);
        filter.OnResponseHeaders(first);

        var setCookie = Assert.Single(first.HttpContext.Response.Headers.SetCookie)!;
        Assert.Matches("^sticky=[0-9a-f]{16}; Max-Age=600; Path=/shop; HttpOnly$", setCookie);
        var value = setCookie["sticky=".Length..setCookie.IndexOf(';', StringComparison.Ordinal)];
        Assert.Equal(LbHashFilter.Hash(value), first.HashKey);

        var next = await RunAsync(filter, headers: ("Cookie", $"sticky={value}"));
        Assert.Equal(first.HashKey, next.HashKey);
    }

    [Fact]
    public async Task Cookie_ZeroTtl_MakesASessionCookie()
    {
        var filter = Compile(new HashPolicy { Cookie = new HashCookie { Name = "sticky", Ttl = TimeSpan.Zero } });

        var exchange = await RunAsync(filter);
        filter.OnResponseHeaders(exchange);

        Assert.DoesNotContain("Max-Age", Assert.Single(exchange.HttpContext.Response.Headers.SetCookie), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Cookie_AbsentWithoutTtl_YieldsNothing()
    {
        var filter = Compile(new HashPolicy { Cookie = new HashCookie { Name = "sticky" } }, new HashPolicy { SourceIp = true });

        var exchange = await RunAsync(filter, remote: IPAddress.Loopback);
        filter.OnResponseHeaders(exchange);

        Assert.Equal(0, exchange.HttpContext.Response.Headers.SetCookie.Count);
        Assert.NotNull(exchange.HashKey);
    }

    [Theory]
    [InlineData("[]", "error hashPolicies: lbHash needs at least one hash policy")]
    [InlineData("[{terminal: true}]", "error hashPolicies[0]: a hash policy needs one of header, cookie or sourceIp")]
    [InlineData("[{header: x-a, sourceIp: true}]", "error hashPolicies[0]: a hash policy takes only one of header, cookie or sourceIp")]
    [InlineData("[{header: 'x a'}]", "error hashPolicies[0].header: 'x a' is not a valid header name")]
    [InlineData("[{cookie: {name: 'a;b'}}]", "error hashPolicies[0].cookie.name: 'a;b' is not a valid cookie name")]
    [InlineData("[{cookie: {name: s, path: 'x'}}]", "error hashPolicies[0].cookie.path: 'x' is not a cookie path")]
    public void Validation(string policies, string expected)
    {
        var options = new LbHashOptions { HashPolicies = ParsePolicies(policies) };

        var diagnostics = RecordedDiagnostics.Validate(new LbHashFilterDescriptor(), options);

        Assert.StartsWith(expected, Assert.Single(diagnostics), StringComparison.Ordinal);
    }

    [Fact]
    public void Descriptor_IsTheRouteOptionLbHash()
    {
        Assert.True(FilterRegistry.Default.TryGet("lbHash", out var descriptor));
        Assert.Equal(FilterStage.Route, descriptor.Stage);
        Assert.Equal("lbHash header x-user (terminal), sourceIp", descriptor.Compile(new LbHashOptions
        {
            HashPolicies = [new HashPolicy { Header = "x-user", Terminal = true }, new HashPolicy { SourceIp = true }],
        }).Describe());
    }

    private static HttpFilter Compile(params HashPolicy[] policies) => new LbHashFilter(policies, new Random(1));

    private static Task<ProxyExchange> RunAsync(HttpFilter filter, params (string Name, string Value)[] headers) => RunAsync(filter, null, headers);

    private static async Task<ProxyExchange> RunAsync(HttpFilter filter, IPAddress? remote, params (string Name, string Value)[] headers)
    {
        var context = new DefaultHttpContext();
        context.Connection.RemoteIpAddress = remote;
        foreach (var (name, value) in headers)
        {
            context.Request.Headers.Append(name, value);
        }

        var exchange = new ProxyExchange(context, "/", "route");
        Assert.Equal(FilterVerdict.Continue, await filter.OnRequestAsync(exchange));
        return exchange;
    }

    private static Task<ProxyExchange> RunAsync(HttpFilter filter, IPAddress remote) => RunAsync(filter, remote, []);

    /// <summary>A tiny parser for the test table: the shapes the validation cases use.</summary>
    private static List<HashPolicy> ParsePolicies(string text) => text switch
    {
        "[]" => [],
        "[{terminal: true}]" => [new HashPolicy { Terminal = true }],
        "[{header: x-a, sourceIp: true}]" => [new HashPolicy { Header = "x-a", SourceIp = true }],
        "[{header: 'x a'}]" => [new HashPolicy { Header = "x a" }],
        "[{cookie: {name: 'a;b'}}]" => [new HashPolicy { Cookie = new HashCookie { Name = "a;b" } }],
        "[{cookie: {name: s, path: 'x'}}]" => [new HashPolicy { Cookie = new HashCookie { Name = "s", Path = "x" } }],
        _ => throw new ArgumentException(text),
    };
}

/// <summary>Collects what an options validator reports, as "error|warning path: message" lines.</summary>
internal sealed class RecordedDiagnostics : IOptionsDiagnostics
{
    public List<string> Items { get; } = [];

    public static List<string> Validate(FilterDescriptor descriptor, object options)
    {
        var diagnostics = new RecordedDiagnostics();
        descriptor.Validate(options, diagnostics);
        return diagnostics.Items;
    }

    public void Error(string relativePath, string message) => Items.Add($"error {relativePath}: {message}");

    public void Warning(string relativePath, string message) => Items.Add($"warning {relativePath}: {message}");
}
