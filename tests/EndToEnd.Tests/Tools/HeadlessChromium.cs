using System.Diagnostics;
using System.Globalization;

namespace Sluice.EndToEnd.Tests.Tools;

/// <summary>
/// Headless Chromium (Debian package <c>chromium</c>; <c>.ci/run</c> installs it) loading a page on loopback, with a
/// fresh profile and every background connection off. The page's scripts run for a virtual time budget before the DOM
/// is dumped or the screenshot taken, so what is checked is what a person sees after the script has updated it.
/// </summary>
internal static class HeadlessChromium
{
    public const string Executable = "/usr/bin/chromium";

    public static Task<string> DumpDomAsync(string url) => RunAsync(url, "--dump-dom", readStdout: true);

    public static async Task<byte[]> ScreenshotAsync(string url, int width, int height)
    {
        var directory = Directory.CreateTempSubdirectory("sluice-shot-").FullName;
        try
        {
            var path = Path.Combine(directory, "page.png");
            await RunAsync(url, $"--screenshot={path}", readStdout: false, $"--window-size={width.ToString(CultureInfo.InvariantCulture)},{height.ToString(CultureInfo.InvariantCulture)}", "--hide-scrollbars");
            return await File.ReadAllBytesAsync(path);
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    private static async Task<string> RunAsync(string url, string action, bool readStdout, params string[] extra)
    {
        Assert.True(File.Exists(Executable), $"{Executable} is missing: install the Debian package 'chromium' (.ci/run does)");
        var profile = Directory.CreateTempSubdirectory("sluice-chromium-").FullName;
        var info = new ProcessStartInfo(Executable)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in new[]
        {
            "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
            "--disable-sync", "--no-first-run", "--disable-quic", "--disable-dev-shm-usage", $"--user-data-dir={profile}",
            "--virtual-time-budget=4000", action,
        }.Concat(extra).Append(url))
        {
            info.ArgumentList.Add(argument);
        }

        using var process = Process.Start(info)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(90));
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"chromium did not finish within 90 s: {await stderr}");
        }
        finally
        {
            try
            {
                Directory.Delete(profile, recursive: true);
            }
            catch (IOException)
            {
            }
        }

        var output = await stdout;
        Assert.True(process.ExitCode == 0 && (!readStdout || output.Length > 0), $"chromium exited {process.ExitCode}: {await stderr}");
        return readStdout ? output : string.Empty;
    }
}
