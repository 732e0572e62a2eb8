using Sluice.Filters.Cors;
using Sluice.Filters.Tests.HeaderManipulation;

namespace Sluice.Filters.Tests.Cors;

public sealed class CorsValidationTests
{
    private static readonly CorsFilterDescriptor Descriptor = new();

    [Fact]
    public void Validate_GloosUsualPolicy_ReportsNothing()
    {
        var policy = new CorsPolicy
        {
            AllowOrigin = ["https://app.example.com", "*"],
            AllowOriginRegex = [@"https://[a-z]+\.example\.com"],
            AllowMethods = ["GET", "POST"],
            AllowHeaders = ["content-type", "x-requested-with"],
            ExposeHeaders = ["x-request-id"],
            MaxAge = "86400",
            AllowCredentials = true,
        };

        Assert.Empty(RecordingDiagnostics.Validate(Descriptor, policy));
    }

    [Fact]
    public void Validate_NoOrigin_IsAnErrorOnTheOption()
    {
        Assert.Equal(
            ["error : must provide at least one of allowOrigin or allowOriginRegex (or disableForRoute: true to turn CORS off for a route)"],
            RecordingDiagnostics.Validate(Descriptor, new CorsPolicy { AllowMethods = ["GET"] }));
    }

    [Fact]
    public void Validate_DisableForRouteAlone_IsValid() =>
        Assert.Empty(RecordingDiagnostics.Validate(Descriptor, new CorsPolicy { DisableForRoute = true }));

    [Fact]
    public void Validate_BacktrackingOriginRegex_IsAnErrorAtItsIndex()
    {
        var diagnostics = RecordingDiagnostics.Validate(Descriptor, new CorsPolicy { AllowOriginRegex = ["https://ok\\.com", "(a)\\1"] });

        var item = Assert.Single(diagnostics);
        Assert.StartsWith("error allowOriginRegex[1]: regex '(a)\\1' needs backtracking", item, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("", "error allowOrigin[0]: '' is not an origin; write it as the browser sends it, like 'https://app.example.com', or '*'")]
    [InlineData("https://a.com, https://b.com", "error allowOrigin[0]: 'https://a.com, https://b.com' is not an origin; write it as the browser sends it, like 'https://app.example.com', or '*'")]
    [InlineData("https://a.com\r\nx: y", "error allowOrigin[0]: 'https://a.com\r\nx: y' is not an origin; write it as the browser sends it, like 'https://app.example.com', or '*'")]
    public void Validate_BadOrigin_IsAnErrorAtItsIndex(string origin, string expected) =>
        Assert.Equal([expected], RecordingDiagnostics.Validate(Descriptor, new CorsPolicy { AllowOrigin = [origin] }));

    [Fact]
    public void Validate_ListEntriesThatAreNotTokens_AreErrorsAtTheirIndex()
    {
        var policy = new CorsPolicy
        {
            AllowOrigin = ["*"],
            AllowMethods = ["GET", "GET, POST"],
            AllowHeaders = ["x-ok", "x\nbad"],
            ExposeHeaders = ["x y"],
        };

        Assert.Equal(
            [
                "error allowMethods[1]: 'GET, POST' is not a valid method; write one method per list entry",
                "error allowHeaders[1]: 'x\nbad' is not a valid header name; write one header name per list entry",
                "error exposeHeaders[0]: 'x y' is not a valid header name; write one header name per list entry",
            ],
            RecordingDiagnostics.Validate(Descriptor, policy));
    }

    [Fact]
    public void Validate_StarNextToOtherEntries_IsAWarning() =>
        Assert.Equal(
            ["warning allowHeaders[0]: '*' only echoes what the browser asked for when it is the only entry, as in Envoy; next to other entries it is sent literally"],
            RecordingDiagnostics.Validate(Descriptor, new CorsPolicy { AllowOrigin = ["*"], AllowHeaders = ["*", "x-a"] }));

    [Theory]
    [InlineData("86400", 86400)]
    [InlineData("0", 0)]
    [InlineData("24h", 86400)]
    [InlineData("1h30m", 5400)]
    [InlineData("90s", 90)]
    [InlineData(" 600 ", 600)]
    public void TryParseMaxAge_SecondsOrDuration(string text, long expected)
    {
        Assert.True(CorsFilterDescriptor.TryParseMaxAge(text, out var seconds));
        Assert.Equal(expected, seconds);
    }

    [Theory]
    [InlineData("-1")]
    [InlineData("1.5s")]
    [InlineData("1d")]
    [InlineData("10 minutes")]
    [InlineData("h")]
    public void Validate_BadMaxAge_IsAnError(string text) =>
        Assert.Equal(
            [$"error maxAge: maxAge '{text}' is not a number of seconds; write seconds as Gloo does, like '86400', or a duration like '24h' or '10m'"],
            RecordingDiagnostics.Validate(Descriptor, new CorsPolicy { AllowOrigin = ["*"], MaxAge = text }));
}
