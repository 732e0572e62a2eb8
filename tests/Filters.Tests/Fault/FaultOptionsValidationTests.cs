using Sluice.Filters.Fault;
using Sluice.Filters.Tests.Retry;

namespace Sluice.Filters.Tests.Fault;

public sealed class FaultOptionsValidationTests
{
    private static readonly FaultFilterDescriptor Descriptor = new();

    [Fact]
    public void GlooExample_IsValid() => Assert.Empty(RecordingDiagnostics.Validate(Descriptor, new FaultOptions
    {
        Abort = new FaultAbortOptions { Percentage = 50, HttpStatus = 503 },
        Delay = new FaultDelayOptions { Percentage = 10.5, FixedDelay = TimeSpan.FromSeconds(1) },
    }));

    [Fact]
    public void FaultsIsRouteOnly_AsInGloo() => Assert.False(Descriptor.AllowedOnVirtualHost);

    [Theory]
    [InlineData(-1)]
    [InlineData(100.01)]
    [InlineData(double.NaN)]
    public void PercentageOutOfRange_IsAnError(double percentage)
    {
        var items = RecordingDiagnostics.Validate(Descriptor, new FaultOptions
        {
            Abort = new FaultAbortOptions { Percentage = percentage, HttpStatus = 503 },
            Delay = new FaultDelayOptions { Percentage = percentage, FixedDelay = TimeSpan.FromSeconds(1) },
        });
        Assert.Equal(2, items.Count);
        Assert.StartsWith("error abort.percentage: percentage must be between 0 and 100", items[0], StringComparison.Ordinal);
        Assert.StartsWith("error delay.percentage: percentage must be between 0 and 100", items[1], StringComparison.Ordinal);
    }

    [Fact]
    public void ZeroPercentage_IsAWarning_BecauseNothingHappens() =>
        Assert.Equal("warning abort.percentage: percentage is 0 (Gloo's default when it is left out), so no request gets this abort",
            Assert.Single(RecordingDiagnostics.Validate(Descriptor, new FaultOptions { Abort = new FaultAbortOptions { HttpStatus = 503 } })));

    [Theory]
    [InlineData(0u)]
    [InlineData(199u)]
    [InlineData(600u)]
    public void AbortStatusOutsideEnvoysRange_IsAnError(uint status) =>
        Assert.Equal($"error abort.httpStatus: httpStatus must be an HTTP status from 200 to 599, got {status}",
            Assert.Single(RecordingDiagnostics.Validate(Descriptor, new FaultOptions { Abort = new FaultAbortOptions { Percentage = 1, HttpStatus = status } })));

    [Fact]
    public void NonPositiveDelay_IsAnError() =>
        Assert.Equal("error delay.fixedDelay: fixedDelay must be greater than zero",
            Assert.Single(RecordingDiagnostics.Validate(Descriptor, new FaultOptions { Delay = new FaultDelayOptions { Percentage = 1 } })));

    [Fact]
    public void NeitherAbortNorDelay_IsAWarning() =>
        Assert.Equal("warning : faults has neither abort nor delay, so it does nothing", Assert.Single(RecordingDiagnostics.Validate(Descriptor, new FaultOptions())));
}
