using Sluice.EndToEnd.Tests.Cli;

namespace Sluice.EndToEnd.Tests.Telemetry;

public sealed class TelemetryFlagsTests
{
    [Theory]
    [InlineData("--trace-sampling", "1.5", "--trace-sampling: '1.5' is not a number between 0 and 1")]
    [InlineData("--trace-sampling", "half", "--trace-sampling: 'half' is not a number between 0 and 1")]
    [InlineData("--otlp-endpoint", "collector:4317", "--otlp-endpoint: 'collector:4317' is not an http:// or https:// URL")]
    [InlineData("--otlp-protocol", "udp", "--otlp-protocol: 'udp' is not grpc or http/protobuf")]
    public async Task BadTracingFlag_ExitsTwo_NamingTheFlagAndTheValue(string flag, string value, string message)
    {
        var (exit, _, stderr) = await SluiceProcess.RunAsync(["run", "--admin", "127.0.0.1:1", flag, value]);

        Assert.Equal(2, exit);
        Assert.Contains(message, stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RunHelp_ListsTheTracingFlags()
    {
        var (exit, stdout, _) = await SluiceProcess.RunAsync(["run", "--help"]);

        Assert.Equal(0, exit);
        foreach (var flag in new[] { "--otlp-endpoint", "--otlp-protocol", "--trace-sampling", "--no-tracing" })
        {
            Assert.Contains(flag, stdout, StringComparison.Ordinal);
        }
    }
}
