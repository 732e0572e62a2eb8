using Microsoft.AspNetCore.Http;
using Sluice.Filters.Rewrite;

namespace Sluice.Filters.Tests.Rewrite;

public sealed class RewriteFilterTests
{
    [Theory]
    [InlineData("/api", "/", "/api/users", "/users")]
    [InlineData("/api/", "/", "/api/users", "/users")]
    [InlineData("/api", "/v2", "/api/users", "/v2/users")]
    [InlineData("/api", "/v2/", "/api/users", "/v2/users")]
    [InlineData("/api", "/v2", "/api", "/v2")]
    [InlineData("/old", "/new", "/oldies", "/newies")]
    public async Task PrefixRewrite_ReplacesTheMatchedPrefix(string prefix, string replacement, string path, string expected)
    {
        var exchange = new ProxyExchange(new DefaultHttpContext(), path, "r") { MatchedPathLength = prefix.Length };
        await new PrefixRewriteFilter(replacement).OnRequestAsync(exchange);
        Assert.Equal(expected, exchange.UpstreamPath);
    }

    [Theory]
    [InlineData(@"/\1", "/${1}")]
    [InlineData(@"/a/\1/\2", "/a/${1}/${2}")]
    [InlineData("/cost$5", "/cost$$5")]
    [InlineData(@"/back\\slash", @"/back\slash")]
    public void RegexSubstitution_TranslatesRe2GroupsToDotNet(string re2, string expected) =>
        Assert.Equal(expected, RegexRewriteFilterDescriptor.ToDotNetSubstitution(re2));

    [Fact]
    public async Task RegexRewrite_ReplacesEveryMatch()
    {
        var descriptor = new RegexRewriteFilterDescriptor();
        var options = new RegexRewriteOptions { Pattern = new RegexPattern { Regex = "^/service/([^/]+)(/.*)$" }, Substitution = @"\2/instance/\1" };
        var filter = descriptor.Compile(options);
        var exchange = new ProxyExchange(new DefaultHttpContext(), "/service/foo/v1/api", "r");
        await filter.OnRequestAsync(exchange);
        Assert.Equal("/v1/api/instance/foo", exchange.UpstreamPath);
    }
}
