using Sluice.Filters.Retry;

namespace Sluice.Filters.Tests.Retry;

public sealed class RetryBackoffTests
{
    [Fact]
    public void Window_StartsAtTheBase_DoublesPerRetry_AndStaysAtTheMaximum()
    {
        long[] windows = [.. Enumerable.Range(1, 7).Select(retry => RetryBackoff.Window(retry, 25, 250))];

        // Envoy: 25, 50, 100, 200; doubling 200 would pass half of 250, so the maximum from then on.
        Assert.Equal([25, 50, 100, 200, 250, 250, 250], windows);
    }

    [Fact]
    public void Window_WithBaseEqualToMaximum_IsAlwaysTheMaximum() =>
        Assert.All(Enumerable.Range(1, 5), retry => Assert.Equal(100, RetryBackoff.Window(retry, 100, 100)));

    [Fact]
    public void Window_ManyRetries_NeverOverflows() => Assert.Equal(long.MaxValue - 1, RetryBackoff.Window(10_000, 1, long.MaxValue - 1));

    [Theory]
    [InlineData(0.0, 0)]
    [InlineData(0.5, 50)]
    [InlineData(0.999999, 99)]
    public void Delay_IsFullyJittered_InZeroToTheWindow(double point, int expectedMs) =>
        Assert.Equal(TimeSpan.FromMilliseconds(expectedMs), RetryBackoff.Delay(3, 25, 250, new FixedRandom(point)));

    [Fact]
    public void Delay_WithARealSource_StaysBelowTheWindow_AndSpreadsOverIt()
    {
        var random = new Random(1234);
        var delays = Enumerable.Range(0, 2000).Select(_ => RetryBackoff.Delay(2, 25, 250, random).TotalMilliseconds).ToArray();

        Assert.All(delays, d => Assert.InRange(d, 0, 49));
        Assert.True(delays.Min() < 5 && delays.Max() > 44, $"min {delays.Min()} max {delays.Max()}");
    }

    [Fact]
    public void Policy_Backoff_UsesItsIntervalsAndItsRandomSource()
    {
        var policy = Compile(new RetryOptions { RetryOn = "5xx", RetryBackOff = new RetryBackOffOptions { BaseInterval = TimeSpan.FromMilliseconds(100) } }, new FixedRandom(0.999999));

        // Maximum defaults to ten times the base: windows 100, 200, 400, 800, 1000.
        Assert.Equal([99, 199, 399, 799, 999, 999], Enumerable.Range(1, 6).Select(r => (int)policy.Backoff(r).TotalMilliseconds));
    }

    internal static RetryPolicy Compile(RetryOptions options, Random? random = null) =>
        ((RetryFilter)new RetryFilterDescriptor(random ?? new Random(1)).Compile(options)).Policy;
}
