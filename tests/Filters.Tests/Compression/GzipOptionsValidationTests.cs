using Sluice.Filters.Compression;

namespace Sluice.Filters.Tests.Compression;

public sealed class GzipOptionsValidationTests
{
    private static readonly GzipFilterDescriptor Descriptor = new();

    [Fact]
    public void GlooDefaults_AreValid()
    {
        var diagnostics = RecordedDiagnostics.Of(Descriptor, new GzipOptions());
        Assert.Empty(diagnostics.Errors);
        Assert.Empty(diagnostics.Warnings);
    }

    [Fact]
    public void EveryFieldSet_WithinGloosRanges_IsValid()
    {
        var options = new GzipOptions
        {
            ContentLength = 1024,
            CompressionLevel = GzipCompressionLevel.BEST,
            CompressionStrategy = GzipCompressionStrategy.RLE,
            ContentType = ["application/json", "text/event-stream", "application/vnd.api+json"],
            DisableOnEtagHeader = true,
            RemoveAcceptEncodingHeader = true,
            Brotli = true,
        };
        Assert.Empty(RecordedDiagnostics.Of(Descriptor, options).Errors);
    }

    [Theory]
    [InlineData(0u)]
    [InlineData(29u)]
    public void ContentLength_BelowThirty_IsAnError(uint length)
    {
        var diagnostics = RecordedDiagnostics.Of(Descriptor, new GzipOptions { ContentLength = length });
        Assert.Contains(diagnostics.Errors, e => e.StartsWith("contentLength: contentLength must be at least 30", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData(0u, true)]
    [InlineData(10u, true)]
    [InlineData(1u, false)]
    [InlineData(9u, false)]
    public void MemoryLevel_OutOfRangeIsAnError_InRangeIsAcceptedWithAWarning(uint level, bool error)
    {
        var diagnostics = RecordedDiagnostics.Of(Descriptor, new GzipOptions { MemoryLevel = level });
        Assert.Equal(error, diagnostics.Errors.Count == 1);
        Assert.Equal(!error, diagnostics.Warnings.Count == 1 && diagnostics.Warnings[0].Contains("ignored", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData(8u, true)]
    [InlineData(16u, true)]
    [InlineData(9u, false)]
    [InlineData(15u, false)]
    public void WindowBits_OutOfRangeIsAnError_InRangeIsAcceptedWithAWarning(uint bits, bool error)
    {
        var diagnostics = RecordedDiagnostics.Of(Descriptor, new GzipOptions { WindowBits = bits });
        Assert.Equal(error, diagnostics.Errors.Count == 1);
        Assert.Equal(!error, diagnostics.Warnings.Count == 1 && diagnostics.Warnings[0].StartsWith("windowBits:", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("text/html; charset=utf-8")]
    [InlineData("text")]
    [InlineData("text/")]
    [InlineData("/json")]
    [InlineData("application/json/x")]
    [InlineData("text /html")]
    [InlineData("")]
    public void ContentType_ThatIsNotABareMediaType_IsAnError(string contentType)
    {
        var diagnostics = RecordedDiagnostics.Of(Descriptor, new GzipOptions { ContentType = ["text/css", contentType] });
        var error = Assert.Single(diagnostics.Errors);
        Assert.StartsWith("contentType[1]: ", error, StringComparison.Ordinal);
    }

    [Fact]
    public void ContentType_MoreThanFifty_IsAnError()
    {
        var types = Enumerable.Range(0, 51).Select(i => $"application/x-{i}").ToArray();
        var error = Assert.Single(RecordedDiagnostics.Of(Descriptor, new GzipOptions { ContentType = types }).Errors);
        Assert.StartsWith("contentType: ", error, StringComparison.Ordinal);
    }

    [Fact]
    public void Disabled_WithOtherSettings_Warns()
    {
        var diagnostics = RecordedDiagnostics.Of(Descriptor, new GzipOptions { Disabled = true, Brotli = true });
        Assert.Empty(diagnostics.Errors);
        Assert.StartsWith("disabled: ", Assert.Single(diagnostics.Warnings), StringComparison.Ordinal);
    }

    [Fact]
    public void Compile_Disabled_GivesAFilterThatDoesNothing()
    {
        var filter = Descriptor.Compile(new GzipOptions { Disabled = true });
        Assert.IsType<CompressionDisabledFilter>(filter);
        Assert.Equal("gzip disabled", filter.Describe());
    }

    [Theory]
    [InlineData("DEFAULT", 6, 4)]
    [InlineData("BEST", 9, 9)]
    [InlineData("SPEED", 1, 1)]
    public void Compile_MapsTheLevelToZlibAndBrotli(string level, int zlib, int brotli)
    {
        var filter = Assert.IsType<CompressionFilter>(Descriptor.Compile(new GzipOptions { CompressionLevel = Enum.Parse<GzipCompressionLevel>(level) }));
        Assert.Equal(zlib, filter.Policy.ZlibLevel);
        Assert.Equal(brotli, filter.Policy.BrotliQuality);
    }
}
