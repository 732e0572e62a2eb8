using Sluice.Filters.Retry;

namespace Sluice.Filters.Tests.Retry;

public sealed class RetryPolicyTests
{
    [Fact]
    public void Defaults_AreEnvoys_AndSluices()
    {
        var policy = RetryBackoffTests.Compile(new RetryOptions { RetryOn = "5xx" });

        Assert.Equal(1, policy.NumRetries);
        Assert.Null(policy.PerTryTimeout);
        Assert.Equal(TimeSpan.FromMilliseconds(25), policy.BaseInterval);
        Assert.Equal(TimeSpan.FromMilliseconds(250), policy.MaxInterval);
        Assert.Equal(64 * 1024, policy.MaxReplayBytes);
        Assert.False(policy.RetryNonIdempotent);
    }

    [Fact]
    public void ExplicitValues_AreKept()
    {
        var policy = RetryBackoffTests.Compile(new RetryOptions
        {
            RetryOn = "reset",
            NumRetries = 0,
            PerTryTimeout = TimeSpan.FromMilliseconds(200),
            RetryBackOff = new RetryBackOffOptions { BaseInterval = TimeSpan.FromMilliseconds(10), MaxInterval = TimeSpan.FromSeconds(1) },
            MaxReplayBytes = 10,
            RetryNonIdempotent = true,
        });

        Assert.Equal(0, policy.NumRetries);
        Assert.Equal(TimeSpan.FromMilliseconds(200), policy.PerTryTimeout);
        Assert.Equal(TimeSpan.FromSeconds(1), policy.MaxInterval);
        Assert.Equal(10, policy.MaxReplayBytes);
        Assert.True(policy.RetryNonIdempotent);
    }

    [Theory]
    [InlineData("5xx", new[] { 500, 502, 503, 504, 599 }, new[] { 200, 404, 409, 499, 600 })]
    [InlineData("gateway-error", new[] { 502, 503, 504 }, new[] { 500, 501, 505, 409 })]
    [InlineData("retriable-4xx", new[] { 409 }, new[] { 400, 404, 429, 500, 503 })]
    [InlineData("connect-failure,reset,refused-stream", new int[0], new[] { 409, 500, 503 })]
    public void RetriesStatus_FollowsEnvoysConditions(string retryOn, int[] retried, int[] notRetried)
    {
        var policy = RetryBackoffTests.Compile(new RetryOptions { RetryOn = retryOn });
        Assert.All(retried, status => Assert.True(policy.RetriesStatus(status), $"{status} should be retried on {retryOn}"));
        Assert.All(notRetried, status => Assert.False(policy.RetriesStatus(status), $"{status} should not be retried on {retryOn}"));
    }

    [Fact]
    public void RetriableStatusCodes_RetryExactlyTheListedStatuses()
    {
        var policy = RetryBackoffTests.Compile(new RetryOptions { RetryOn = "retriable-status-codes", RetriableStatusCodes = [429, 418] });

        Assert.True(policy.RetriesStatus(429));
        Assert.True(policy.RetriesStatus(418));
        Assert.False(policy.RetriesStatus(500));
        Assert.False(policy.RetriesStatus(503));
    }

    [Fact]
    public void RetriableStatusCodes_WithoutTheCondition_RetryNothing() =>
        Assert.False(RetryBackoffTests.Compile(new RetryOptions { RetryOn = "reset", RetriableStatusCodes = [429] }).RetriesStatus(429));

    [Theory]
    // As Envoy's wouldRetryFromReset: 5xx, gateway-error and reset retry every failure without a response.
    [InlineData("5xx", true, true, true, true)]
    [InlineData("gateway-error", true, true, true, true)]
    [InlineData("reset", true, true, true, true)]
    [InlineData("connect-failure", true, false, false, false)]
    [InlineData("refused-stream", false, true, false, false)]
    [InlineData("retriable-4xx,retriable-status-codes", false, false, false, false)]
    public void RetriesFailure_FollowsEnvoysResetRules(string retryOn, bool connectFailure, bool refusedStream, bool reset, bool perTryTimeout)
    {
        var policy = RetryBackoffTests.Compile(new RetryOptions { RetryOn = retryOn });

        Assert.Equal(connectFailure, policy.RetriesFailure(AttemptFailure.ConnectFailure));
        Assert.Equal(refusedStream, policy.RetriesFailure(AttemptFailure.RefusedStream));
        Assert.Equal(reset, policy.RetriesFailure(AttemptFailure.Reset));
        Assert.Equal(perTryTimeout, policy.RetriesFailure(AttemptFailure.PerTryTimeout));
        Assert.False(policy.RetriesFailure(AttemptFailure.None));
    }

    [Theory]
    [InlineData("GET")]
    [InlineData("HEAD")]
    [InlineData("OPTIONS")]
    [InlineData("TRACE")]
    [InlineData("PUT")]
    [InlineData("DELETE")]
    public void IdempotentMethods_AreRetriedAfterAnyOutcome(string method)
    {
        var policy = RetryBackoffTests.Compile(new RetryOptions { RetryOn = "5xx" });
        Assert.True(policy.AllowsMethod(method, AttemptFailure.None));
        Assert.True(policy.AllowsMethod(method, AttemptFailure.Reset));
    }

    [Theory]
    [InlineData("POST")]
    [InlineData("PATCH")]
    [InlineData("CONNECT")]
    public void NonIdempotentMethods_AreRetriedOnlyWhenTheUpstreamNeverSawThem_UnlessAllowed(string method)
    {
        var strict = RetryBackoffTests.Compile(new RetryOptions { RetryOn = "5xx" });
        Assert.False(strict.AllowsMethod(method, AttemptFailure.None));
        Assert.False(strict.AllowsMethod(method, AttemptFailure.Reset));
        Assert.False(strict.AllowsMethod(method, AttemptFailure.PerTryTimeout));
        Assert.True(strict.AllowsMethod(method, AttemptFailure.ConnectFailure));
        Assert.True(strict.AllowsMethod(method, AttemptFailure.RefusedStream));

        var lenient = RetryBackoffTests.Compile(new RetryOptions { RetryOn = "5xx", RetryNonIdempotent = true });
        Assert.True(lenient.AllowsMethod(method, AttemptFailure.None));
        Assert.True(lenient.AllowsMethod(method, AttemptFailure.Reset));
    }

    [Fact]
    public async Task Filter_PutsThePolicyOnTheExchange()
    {
        var filter = (RetryFilter)new RetryFilterDescriptor().Compile(new RetryOptions { RetryOn = "5xx", NumRetries = 3 });
        var exchange = new ProxyExchange(new Microsoft.AspNetCore.Http.DefaultHttpContext(), "/", "route");

        Assert.Equal(FilterVerdict.Continue, await filter.OnRequestAsync(exchange));
        Assert.Same(filter.Policy, exchange.RetryPolicy);
        Assert.Equal(FilterStage.Route, filter.Stage);
        Assert.Equal("retries retryOn '5xx' numRetries 3 backOff 25ms..250ms maxReplayBytes 65536", filter.Describe());
    }
}
