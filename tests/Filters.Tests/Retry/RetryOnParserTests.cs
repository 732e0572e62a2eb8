using Sluice.Filters.Retry;

namespace Sluice.Filters.Tests.Retry;

public sealed class RetryOnParserTests
{
    [Theory]
    [InlineData("5xx", RetryConditions.FiveXx)]
    [InlineData("gateway-error", RetryConditions.GatewayError)]
    [InlineData("connect-failure", RetryConditions.ConnectFailure)]
    [InlineData("reset", RetryConditions.Reset)]
    [InlineData("refused-stream", RetryConditions.RefusedStream)]
    [InlineData("retriable-4xx", RetryConditions.Retriable4xx)]
    [InlineData("retriable-status-codes", RetryConditions.RetriableStatusCodes)]
    internal void EachEnvoyCondition_ParsesToItsFlag(string retryOn, RetryConditions expected)
    {
        var diagnostics = new RecordingDiagnostics();
        Assert.Equal(expected, RetryOnParser.Parse(retryOn, diagnostics));
        Assert.Empty(diagnostics.Items);
    }

    [Fact]
    public void CommaSeparatedList_WithSpacesAndEmptyItems_CombinesTheConditions()
    {
        var diagnostics = new RecordingDiagnostics();
        var conditions = RetryOnParser.Parse(" 5xx , connect-failure,,refused-stream ,", diagnostics);

        Assert.Equal(RetryConditions.FiveXx | RetryConditions.ConnectFailure | RetryConditions.RefusedStream, conditions);
        Assert.Empty(diagnostics.Items);
    }

    [Fact]
    public void Empty_IsNoCondition() => Assert.Equal(RetryConditions.None, RetryOnParser.Parse(string.Empty, new RecordingDiagnostics()));

    [Fact]
    public void UnknownCondition_IsAnError_ListingTheSupportedOnes()
    {
        var diagnostics = new RecordingDiagnostics();
        var conditions = RetryOnParser.Parse("5xx,5XX,gateway_error", diagnostics);

        Assert.Equal(RetryConditions.FiveXx, conditions);
        Assert.Equal(2, diagnostics.Items.Count);
        Assert.All(diagnostics.Items, item => Assert.StartsWith("error retryOn: unknown retry condition", item, StringComparison.Ordinal));
        Assert.Contains("'5XX'", diagnostics.Items[0], StringComparison.Ordinal);
        Assert.Contains("5xx, connect-failure, gateway-error, refused-stream, reset, retriable-4xx, retriable-status-codes", diagnostics.Items[1], StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("retriable-headers")]
    [InlineData("envoy-ratelimited")]
    [InlineData("unavailable")]
    [InlineData("reset-before-request")]
    public void EnvoyConditionSluiceLacks_IsAWarning_AndIgnored(string condition)
    {
        var diagnostics = new RecordingDiagnostics();
        Assert.Equal(RetryConditions.Reset, RetryOnParser.Parse($"reset,{condition}", diagnostics));
        var warning = Assert.Single(diagnostics.Items);
        Assert.Equal($"warning retryOn: retry condition '{condition}' is not supported by Sluice yet and is ignored; supported: {RetryOnParser.SupportedList}", warning);
    }

    [Fact]
    public void WithoutDiagnostics_ProblemsAreSkippedSilently() =>
        Assert.Equal(RetryConditions.GatewayError, RetryOnParser.Parse("bogus,gateway-error,retriable-headers", diagnostics: null));
}
