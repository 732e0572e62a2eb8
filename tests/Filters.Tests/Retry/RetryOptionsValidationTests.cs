using Sluice.Filters.Retry;

namespace Sluice.Filters.Tests.Retry;

public sealed class RetryOptionsValidationTests
{
    private static readonly RetryFilterDescriptor Descriptor = new();

    [Fact]
    public void TypicalGlooPolicy_IsValid() => Assert.Empty(RecordingDiagnostics.Validate(Descriptor, new RetryOptions
    {
        RetryOn = "5xx,connect-failure",
        NumRetries = 3,
        PerTryTimeout = TimeSpan.FromSeconds(1),
        RetryBackOff = new RetryBackOffOptions { BaseInterval = TimeSpan.FromMilliseconds(25), MaxInterval = TimeSpan.FromMilliseconds(250) },
    }));

    [Fact]
    public void EmptyRetryOn_IsAWarning() =>
        Assert.StartsWith("warning retryOn: retryOn is empty, so no outcome is retried", Assert.Single(RecordingDiagnostics.Validate(Descriptor, new RetryOptions())), StringComparison.Ordinal);

    [Fact]
    public void UnknownCondition_IsAnError() =>
        Assert.StartsWith("error retryOn: unknown retry condition 'server-error'", Assert.Single(RecordingDiagnostics.Validate(Descriptor, new RetryOptions { RetryOn = "server-error" })), StringComparison.Ordinal);

    [Theory]
    [InlineData(0)]
    [InlineData(-1)]
    public void NonPositivePerTryTimeout_IsAnError(int milliseconds) =>
        Assert.Equal("error perTryTimeout: perTryTimeout must be greater than zero; leave it out for no per-attempt limit",
            Assert.Single(RecordingDiagnostics.Validate(Descriptor, new RetryOptions { RetryOn = "5xx", PerTryTimeout = TimeSpan.FromMilliseconds(milliseconds) })));

    [Fact]
    public void BaseIntervalBelowOneMillisecond_IsAnError() =>
        Assert.Equal("error retryBackOff.baseInterval: baseInterval must be at least 1ms",
            Assert.Single(RecordingDiagnostics.Validate(Descriptor, new RetryOptions { RetryOn = "5xx", RetryBackOff = new RetryBackOffOptions { BaseInterval = TimeSpan.FromTicks(5000) } })));

    [Fact]
    public void MaxIntervalBelowBase_IsAnError() =>
        Assert.Equal("error retryBackOff.maxInterval: maxInterval (50ms) must not be less than baseInterval (100ms)",
            Assert.Single(RecordingDiagnostics.Validate(Descriptor, new RetryOptions
            {
                RetryOn = "5xx",
                RetryBackOff = new RetryBackOffOptions { BaseInterval = TimeSpan.FromMilliseconds(100), MaxInterval = TimeSpan.FromMilliseconds(50) },
            })));

    [Fact]
    public void ZeroMaxInterval_IsAnError() =>
        Assert.Equal("error retryBackOff.maxInterval: maxInterval must be greater than zero",
            Assert.Single(RecordingDiagnostics.Validate(Descriptor, new RetryOptions
            {
                RetryOn = "5xx",
                RetryBackOff = new RetryBackOffOptions { BaseInterval = TimeSpan.FromMilliseconds(100), MaxInterval = TimeSpan.Zero },
            })));

    [Fact]
    public void StatusCodesOutsideHttp_AreErrors()
    {
        var items = RecordingDiagnostics.Validate(Descriptor, new RetryOptions { RetryOn = "retriable-status-codes", RetriableStatusCodes = [503, 99, 600] });
        Assert.Equal(
        [
            "error retriableStatusCodes[1]: 99 is not an HTTP status; use codes from 100 to 599",
            "error retriableStatusCodes[2]: 600 is not an HTTP status; use codes from 100 to 599",
        ], items);
    }

    [Fact]
    public void StatusCodesWithoutTheirCondition_AreAWarning() =>
        Assert.Equal("warning retriableStatusCodes: retriableStatusCodes has no effect unless retryOn includes 'retriable-status-codes'",
            Assert.Single(RecordingDiagnostics.Validate(Descriptor, new RetryOptions { RetryOn = "5xx", RetriableStatusCodes = [429] })));

    [Fact]
    public void ConditionWithoutStatusCodes_IsAWarning() =>
        Assert.StartsWith("warning retryOn: 'retriable-status-codes' retries nothing without retriableStatusCodes",
            Assert.Single(RecordingDiagnostics.Validate(Descriptor, new RetryOptions { RetryOn = "retriable-status-codes" })), StringComparison.Ordinal);

    [Fact]
    public void HugeReplayBuffer_IsAnError() =>
        Assert.StartsWith("error maxReplayBytes: maxReplayBytes must be at most 16777216",
            Assert.Single(RecordingDiagnostics.Validate(Descriptor, new RetryOptions { RetryOn = "5xx", MaxReplayBytes = 16 * 1024 * 1024 + 1 })), StringComparison.Ordinal);

    [Fact]
    public void PreviousPriorities_IsIgnoredWithAWarning() =>
        Assert.StartsWith("warning previousPriorities: Gloo field 'previousPriorities' is not supported by Sluice",
            Assert.Single(RecordingDiagnostics.Validate(Descriptor, new RetryOptions { RetryOn = "5xx", PreviousPriorities = new PreviousPrioritiesOptions { UpdateFrequency = 2 } })), StringComparison.Ordinal);
}
