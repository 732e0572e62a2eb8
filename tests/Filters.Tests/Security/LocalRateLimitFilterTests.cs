using System.Net;
using Microsoft.AspNetCore.Http;
using Sluice.Filters.RateLimit;

namespace Sluice.Filters.Tests.Security;

public sealed class LocalRateLimitFilterTests
{
    private static readonly LocalRateLimitFilterDescriptor Descriptor = new();

    private static LocalRateLimitOptions Options(uint maxTokens, RateLimitKey? key = null, bool headers = false) => new()
    {
        // An hour between fills: nothing refills while a test runs.
        DefaultLimit = new TokenBucketOptions { MaxTokens = maxTokens, TokensPerFill = 1, FillInterval = TimeSpan.FromHours(1) },
        EnableXRatelimitHeaders = headers,
        KeyBy = key,
    };

    [Fact]
    public async Task Bucket_AllowsMaxTokensThen429WithRetryAfter()
    {
        var filter = Descriptor.Compile(Options(3, headers: true), new TestCompileContext());
        for (var i = 0; i < 3; i++)
        {
            var allowed = Exchange();
            Assert.Equal(FilterVerdict.Continue, await filter.OnRequestAsync(allowed));
            filter.OnResponseHeaders(allowed);
            Assert.Equal((2 - i).ToString(System.Globalization.CultureInfo.InvariantCulture), allowed.HttpContext.Response.Headers["x-ratelimit-remaining"].ToString());
            Assert.Equal("3", allowed.HttpContext.Response.Headers["x-ratelimit-limit"].ToString());
        }

        var limited = Exchange();
        Assert.Equal(FilterVerdict.Handled, await filter.OnRequestAsync(limited));
        var response = limited.HttpContext.Response;
        Assert.Equal(429, response.StatusCode);
        Assert.True(long.Parse(response.Headers.RetryAfter.ToString(), System.Globalization.CultureInfo.InvariantCulture) >= 1);
        Assert.Equal("0", response.Headers["x-ratelimit-remaining"].ToString());
        Assert.Equal("3600", response.Headers["x-ratelimit-reset"].ToString());
    }

    [Fact]
    public async Task Buckets_SurviveARecompileWithTheSameSettings_AndResetWhenTheyChange()
    {
        var state = new FilterStateStore();
        state.BeginGeneration();
        var first = Descriptor.Compile(Options(1), new TestCompileContext(state: state));
        state.EndGeneration();
        Assert.Equal(FilterVerdict.Continue, await first.OnRequestAsync(Exchange()));

        state.BeginGeneration();
        var reloaded = Descriptor.Compile(Options(1), new TestCompileContext(state: state));
        state.EndGeneration();
        Assert.Equal(FilterVerdict.Handled, await reloaded.OnRequestAsync(Exchange()));

        state.BeginGeneration();
        var changed = Descriptor.Compile(Options(2), new TestCompileContext(state: state));
        state.EndGeneration();
        Assert.Equal(FilterVerdict.Continue, await changed.OnRequestAsync(Exchange()));
        Assert.Equal(1, state.Count);

        // A request still running on the retired config is not failed by its disposed buckets.
        Assert.Equal(FilterVerdict.Continue, await first.OnRequestAsync(Exchange()));
    }

    [Fact]
    public async Task KeyedByHeader_EachValueHasItsOwnBucket_AndMissingHeadersShareOne()
    {
        var filter = Descriptor.Compile(Options(1, new RateLimitKey { Header = "x-tenant" }), new TestCompileContext());

        Assert.Equal(FilterVerdict.Continue, await filter.OnRequestAsync(Exchange(tenant: "a")));
        Assert.Equal(FilterVerdict.Handled, await filter.OnRequestAsync(Exchange(tenant: "a")));
        Assert.Equal(FilterVerdict.Continue, await filter.OnRequestAsync(Exchange(tenant: "b")));
        Assert.Equal(FilterVerdict.Continue, await filter.OnRequestAsync(Exchange()));
        Assert.Equal(FilterVerdict.Handled, await filter.OnRequestAsync(Exchange()));
    }

    [Fact]
    public async Task KeyedByJwtClaim_UsesTheVerifiedClaim()
    {
        var filter = Descriptor.Compile(Options(1, new RateLimitKey { JwtClaim = "sub" }), new TestCompileContext());

        Assert.Equal(FilterVerdict.Continue, await filter.OnRequestAsync(WithSubject("alice")));
        Assert.Equal(FilterVerdict.Handled, await filter.OnRequestAsync(WithSubject("alice")));
        Assert.Equal(FilterVerdict.Continue, await filter.OnRequestAsync(WithSubject("bob")));

        static ProxyExchange WithSubject(string subject)
        {
            var exchange = Exchange();
            var header = Microsoft.IdentityModel.Tokens.Base64UrlEncoder.Encode("""{"alg":"RS256"}""");
            var payload = Microsoft.IdentityModel.Tokens.Base64UrlEncoder.Encode($$"""{"sub":"{{subject}}"}""");
            exchange.Jwt = new Sluice.Filters.Jwt.VerifiedJwt("p", new Microsoft.IdentityModel.JsonWebTokens.JsonWebToken($"{header}.{payload}.c2ln"));
            return exchange;
        }
    }

    [Fact]
    public async Task KeyedByClientAddress_SeparatesClients()
    {
        var filter = Descriptor.Compile(Options(1, new RateLimitKey { ClientAddress = true }), new TestCompileContext());

        Assert.Equal(FilterVerdict.Continue, await filter.OnRequestAsync(Exchange(address: "10.0.0.1")));
        Assert.Equal(FilterVerdict.Handled, await filter.OnRequestAsync(Exchange(address: "10.0.0.1")));
        Assert.Equal(FilterVerdict.Continue, await filter.OnRequestAsync(Exchange(address: "10.0.0.2")));
    }

    [Fact]
    public async Task MaxKeys_BoundsTheBuckets_ExtraKeysShareRatherThanEscape()
    {
        var options = Options(1, new RateLimitKey { Header = "x-tenant" }) with { MaxKeys = 1 };
        var filter = Descriptor.Compile(options, new TestCompileContext());

        Assert.Equal(FilterVerdict.Continue, await filter.OnRequestAsync(Exchange(tenant: "a")));
        for (var i = 0; i < 50; i++)
        {
            Assert.Equal(FilterVerdict.Handled, await filter.OnRequestAsync(Exchange(tenant: $"fresh-{i}")));
        }
    }

    [Fact]
    public void Validation_RefusesWhatEnvoyRefuses()
    {
        var diagnostics = new RecordingDiagnostics();
        Descriptor.Validate(new LocalRateLimitOptions
        {
            DefaultLimit = new TokenBucketOptions { MaxTokens = 0, TokensPerFill = 0, FillInterval = TimeSpan.FromMilliseconds(10) },
            LocalRateLimitPerDownstreamConnection = true,
            KeyBy = new RateLimitKey { ClientAddress = true, Header = "x" },
        }, diagnostics);

        Assert.Equal(["defaultLimit.maxTokens", "defaultLimit.tokensPerFill", "defaultLimit.fillInterval", "localRateLimitPerDownstreamConnection", "keyBy"], diagnostics.Errors);
    }

    private static ProxyExchange Exchange(string? tenant = null, string address = "127.0.0.1")
    {
        var context = new DefaultHttpContext();
        context.Request.Method = "GET";
        context.Response.Body = new MemoryStream();
        context.Connection.RemoteIpAddress = IPAddress.Parse(address);
        if (tenant is not null)
        {
            context.Request.Headers["x-tenant"] = tenant;
        }

        return new ProxyExchange(context, "/", "route");
    }

    private sealed class RecordingDiagnostics : IOptionsDiagnostics
    {
        public List<string> Errors { get; } = [];

        public void Error(string relativePath, string message) => Errors.Add(relativePath);

        public void Warning(string relativePath, string message)
        {
        }
    }
}
