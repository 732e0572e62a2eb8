using Sluice.Gateway.Routing;

namespace Sluice.Gateway.Tests.Routing;

public sealed class VirtualHostTableTests
{
    private static readonly CompiledVirtualHost Exact = new("exact", []);
    private static readonly CompiledVirtualHost ShortSuffix = new("short-suffix", []);
    private static readonly CompiledVirtualHost LongSuffix = new("long-suffix", []);
    private static readonly CompiledVirtualHost Prefix = new("prefix", []);
    private static readonly CompiledVirtualHost Any = new("any", []);
    private static readonly CompiledVirtualHost WithPort = new("with-port", []);

    private static VirtualHostTable Table(bool withAny = true) => new(
    [
        ("api.example.com", Exact),
        ("*.com", ShortSuffix),
        ("*.example.com", LongSuffix),
        ("api.*", Prefix),
        ("ported.example.org:9443", WithPort),
        .. withAny ? new[] { ("*", Any) } : [],
    ]);

    [Theory]
    [InlineData("api.example.com", "exact")]
    [InlineData("API.Example.COM", "exact")]
    [InlineData("www.example.com", "long-suffix")]
    [InlineData("deep.www.example.com", "long-suffix")]
    [InlineData("other.com", "short-suffix")]
    [InlineData("api.example.net", "prefix")]
    [InlineData("unknown.net", "any")]
    [InlineData("example.com", "short-suffix")]
    [InlineData("api.example.com:8080", "exact")]
    [InlineData("www.example.com:8080", "long-suffix")]
    [InlineData("ported.example.org:9443", "with-port")]
    public void Find_UsesEnvoyPrecedence(string host, string expected) =>
        Assert.Equal(expected, Table().Find(host, listenerPort: 8080)!.Name);

    [Theory]
    [InlineData("www.example.com:9999", "any")]
    [InlineData("api.example.com:9999", "prefix")]
    public void Find_PortOtherThanTheListenersIsMatchedAsWritten(string host, string expected) =>
        Assert.Equal(expected, Table().Find(host, listenerPort: 8080)!.Name);

    [Fact]
    public void Find_WildcardNeverMatchesTheEmptyString()
    {
        var table = new VirtualHostTable([("*.example.com", LongSuffix)]);
        Assert.Null(table.Find(".example.com", 80));
        Assert.Null(table.Find("example.com", 80));
    }

    [Fact]
    public void Find_NoMatchAndNoCatchAll_ReturnsNull() => Assert.Null(Table(withAny: false).Find("unknown.net", 8080));

    [Fact]
    public void Find_Ipv6HostWithoutPort_IsMatchedWhole()
    {
        var table = new VirtualHostTable([("[::1]", Exact)]);
        Assert.Equal("exact", table.Find("[::1]", 8080)!.Name);
        Assert.Equal("exact", table.Find("[::1]:8080", 8080)!.Name);
    }
}
