using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;

namespace Sluice.EndToEnd.Tests.Telemetry;

/// <summary>Reads samples out of a Prometheus text exposition, and validates one with <c>promtool check metrics</c>.</summary>
internal static partial class PrometheusText
{
    /// <summary>The value of the sample named <paramref name="name"/> whose labels include all of <paramref name="labels"/>; null when absent.</summary>
    public static double? Value(string exposition, string name, params (string Label, string Value)[] labels)
    {
        foreach (var line in exposition.Split('\n'))
        {
            var match = Sample().Match(line);
            if (!match.Success || match.Groups["name"].Value != name)
            {
                continue;
            }

            var text = match.Groups["labels"].Value;
            if (labels.All(l => text.Contains($"{l.Label}=\"{l.Value}\"", StringComparison.Ordinal)))
            {
                return double.Parse(match.Groups["value"].Value, CultureInfo.InvariantCulture);
            }
        }

        return null;
    }

    /// <summary>Runs promtool on the exposition; returns its exit code and output.</summary>
    public static async Task<(int ExitCode, string Output)> CheckAsync(string exposition)
    {
        var start = new ProcessStartInfo("promtool", "check metrics")
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        using var process = Process.Start(start)!;
        await process.StandardInput.WriteAsync(exposition);
        process.StandardInput.Close();
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        return (process.ExitCode, await output + await error);
    }

    [GeneratedRegex(@"^(?<name>[a-zA-Z_:][a-zA-Z0-9_:]*)(\{(?<labels>.*)\})? (?<value>\S+)")]
    private static partial Regex Sample();
}
