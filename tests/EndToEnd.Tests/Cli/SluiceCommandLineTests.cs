using System.Diagnostics;
using System.Net;
using System.Reflection;
using Microsoft.AspNetCore.Http;
using Sluice.EndToEnd.Tests.Harness;
using Sluice.Gateway;
using Xunit.Abstractions;

namespace Sluice.EndToEnd.Tests.Cli;

/// <summary>The <c>sluice</c> executable itself: version, help, usage errors, <c>validate</c>, and <c>run</c> with a graceful SIGTERM.</summary>
public sealed class SluiceCommandLineTests(ITestOutputHelper output)
{
    [Fact]
    public async Task Version_PrintsTheBuildVersion()
    {
        var expected = typeof(GatewayRunOptions).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()!.InformationalVersion;

        var (exit, stdout, _) = await SluiceProcess.RunAsync(["--version"]);

        Assert.Equal(0, exit);
        Assert.Equal(expected, stdout.Trim());
        Assert.StartsWith("0.1.0", stdout.Trim(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Help_DescribesEveryCommandAndOption()
    {
        var (exit, root, _) = await SluiceProcess.RunAsync(["--help"]);
        Assert.Equal(0, exit);
        foreach (var command in new[] { "run", "validate", "demo-backend", "--version" })
        {
            Assert.Contains(command, root, StringComparison.Ordinal);
        }

        (exit, var run, _) = await SluiceProcess.RunAsync(["run", "--help"]);
        Assert.Equal(0, exit);
        foreach (var option in new[] { "--config", "--state-dir", "--admin", "127.0.0.1:19000", "SLUICE_STATE_DIR" })
        {
            Assert.Contains(option, run, StringComparison.Ordinal);
        }

        (exit, var validate, _) = await SluiceProcess.RunAsync(["validate", "--help"]);
        Assert.Equal(0, exit);
        Assert.Contains("<PATH>...", validate, StringComparison.Ordinal);
        Assert.Contains("exit 0 when valid", validate, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("validate")]
    [InlineData("run --bogus")]
    [InlineData("--bogus")]
    [InlineData("frobnicate")]
    [InlineData("run --admin not-an-endpoint")]
    [InlineData("run --admin 127.0.0.1:0")]
    public async Task BadUsage_ExitsTwo_WithAMessageOnStandardError(string arguments)
    {
        var (exit, _, stderr) = await SluiceProcess.RunAsync(arguments.Split(' '));

        Assert.Equal(2, exit);
        Assert.False(string.IsNullOrWhiteSpace(stderr), "no explanation on stderr");
    }

    [Fact]
    public async Task Validate_AsAProcess_PrintsPathsRelativeToTheWorkingDirectory_AndExitsOne()
    {
        var root = Path.Combine(Path.GetTempPath(), "sluice-cli-" + Guid.NewGuid().ToString("N")[..12]);
        Directory.CreateDirectory(Path.Combine(root, "config"));
        try
        {
            File.WriteAllText(Path.Combine(root, "config", "orphan.yaml"), Yaml.VirtualService("orphan", Yaml.PrefixRoute("/x", "nowhere")));

            var (exit, stdout, _) = await SluiceProcess.RunAsync(["validate", "config"], workingDirectory: root);

            Assert.Equal(1, exit);
            Assert.Equal(
                [
                    "config/orphan.yaml:15:15: error: VirtualService default/orphan: virtualHost.routes[0].routeAction.single.upstream: Upstream default/nowhere does not exist",
                    "1 files, 1 resources: 1 errors, 0 warnings",
                ],
                stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));

            File.WriteAllText(Path.Combine(root, "config", "nowhere.yaml"), Yaml.Upstream("nowhere", 9000));
            (exit, stdout, _) = await SluiceProcess.RunAsync(["validate", "config"], workingDirectory: root);
            Assert.Equal(0, exit);
            Assert.Equal("2 files, 2 resources: 0 errors, 0 warnings", stdout.Trim());
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }

    [Fact]
    public async Task Run_ServesUntilSigterm_ThenDrainsTheRequestInFlight_AndExitsZero()
    {
        var received = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var slow = await TestBackend.StartAsync("slow", async context =>
        {
            if (context.Request.Path == "/slow")
            {
                received.TrySetResult();
                await Task.Delay(TimeSpan.FromSeconds(1.5));
            }

            await context.Response.WriteAsync("done");
        });

        var root = Path.Combine(Path.GetTempPath(), "sluice-run-" + Guid.NewGuid().ToString("N")[..12]);
        var config = Path.Combine(root, "config");
        Directory.CreateDirectory(config);
        var httpPort = FreePort.Next();
        var adminPort = FreePort.Next();
        File.WriteAllText(Path.Combine(config, "all.yaml"),
            Yaml.Gateway("http", httpPort) + "---\n" + Yaml.Upstream("slow", slow.Port) + "---\n" + Yaml.VirtualService("vs", Yaml.PrefixRoute("/", "slow")));

        try
        {
            using var sluice = SluiceProcess.Start(["run", "--config", config, "--state-dir", Path.Combine(root, "state"), "--admin", $"127.0.0.1:{adminPort}"], workingDirectory: root);
            using var admin = new HttpClient(new SocketsHttpHandler { UseProxy = false }) { BaseAddress = new Uri($"http://127.0.0.1:{adminPort}"), Timeout = TimeSpan.FromSeconds(2) };
            using var client = new HttpClient(new SocketsHttpHandler { UseProxy = false }) { BaseAddress = new Uri($"http://127.0.0.1:{httpPort}"), Timeout = TimeSpan.FromSeconds(30) };

            var watch = Stopwatch.StartNew();
            await WaitForReadyAsync(admin, sluice);
            output.WriteLine($"ready after {watch.ElapsedMilliseconds} ms");
            Assert.Equal("done", await client.GetStringAsync("/fast"));

            var inFlight = client.GetAsync("/slow");
            await received.Task.WaitAsync(TimeSpan.FromSeconds(10));
            watch.Restart();
            await sluice.TerminateAsync();

            using var response = await inFlight;
            var completed = watch.Elapsed;
            var exit = await sluice.WaitForExitAsync(TimeSpan.FromSeconds(30));
            output.WriteLine($"in-flight request completed {completed.TotalMilliseconds:F0} ms after SIGTERM; process exited after {watch.ElapsedMilliseconds} ms with {exit}");
            output.WriteLine(sluice.StandardOutput);

            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal("done", await response.Content.ReadAsStringAsync());
            Assert.Equal(0, exit);
            Assert.True(string.IsNullOrWhiteSpace(sluice.StandardError), sluice.StandardError);
            Assert.Contains("Config version 1 applied (startup)", sluice.StandardOutput, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }

    private static async Task WaitForReadyAsync(HttpClient admin, SluiceProcess sluice)
    {
        var deadline = Stopwatch.StartNew();
        while (deadline.Elapsed < TimeSpan.FromSeconds(20))
        {
            if (sluice.HasExited)
            {
                throw new InvalidOperationException($"sluice exited with {sluice.ExitCode}: {sluice.StandardOutput} {sluice.StandardError}");
            }

            try
            {
                using var ready = await admin.GetAsync("/readyz");
                if (ready.StatusCode == HttpStatusCode.OK)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
            }
            catch (TaskCanceledException)
            {
            }

            await Task.Delay(50);
        }

        throw new TimeoutException($"sluice was not ready within 20 s: {sluice.StandardOutput} {sluice.StandardError}");
    }
}
