using Sluice.Filters.BufferLimits;
using Sluice.Filters.Tests.Compression;

namespace Sluice.Filters.Tests.BufferLimits;

public sealed class BufferOptionsValidationTests
{
    [Fact]
    public void Buffer_WithALimit_IsValid() =>
        Assert.Empty(RecordedDiagnostics.Of(new BufferFilterDescriptor(), new BufferOptions { MaxRequestBytes = 1024 }).Errors);

    [Fact]
    public void Buffer_WithZero_IsAnError() =>
        Assert.StartsWith("maxRequestBytes: ", Assert.Single(RecordedDiagnostics.Of(new BufferFilterDescriptor(), new BufferOptions()).Errors), StringComparison.Ordinal);

    [Fact]
    public void BufferPerRoute_Disabled_IsValid() =>
        Assert.Empty(RecordedDiagnostics.Of(new BufferPerRouteFilterDescriptor(), new BufferPerRouteOptions { Disabled = true }).Errors);

    [Fact]
    public void BufferPerRoute_WithABuffer_IsValid() =>
        Assert.Empty(RecordedDiagnostics.Of(new BufferPerRouteFilterDescriptor(), new BufferPerRouteOptions { Buffer = new BufferOptions { MaxRequestBytes = 10 } }).Errors);

    [Theory]
    [InlineData(null, false, ": set either disabled: true (no limit here) or buffer")]
    [InlineData(true, true, ": set either disabled: true or buffer, not both")]
    [InlineData(false, false, "disabled: disabled can only be true")]
    public void BufferPerRoute_IsGloosOneof(bool? disabled, bool withBuffer, string expected)
    {
        var options = new BufferPerRouteOptions { Disabled = disabled, Buffer = withBuffer ? new BufferOptions { MaxRequestBytes = 10 } : null };
        var error = Assert.Single(RecordedDiagnostics.Of(new BufferPerRouteFilterDescriptor(), options).Errors);
        Assert.StartsWith(expected, error, StringComparison.Ordinal);
    }

    [Fact]
    public void BufferPerRoute_WithZero_PointsAtTheNestedField() =>
        Assert.StartsWith("buffer.maxRequestBytes: ", Assert.Single(RecordedDiagnostics.Of(
            new BufferPerRouteFilterDescriptor(), new BufferPerRouteOptions { Buffer = new BufferOptions() }).Errors), StringComparison.Ordinal);

    [Fact]
    public void Compile_DescribesTheLimit()
    {
        Assert.Equal("buffer maxRequestBytes 100", new BufferFilterDescriptor().Compile(new BufferOptions { MaxRequestBytes = 100 }).Describe());
        Assert.Equal("bufferPerRoute disabled", new BufferPerRouteFilterDescriptor().Compile(new BufferPerRouteOptions { Disabled = true }).Describe());
    }
}
