using System.Diagnostics;

namespace Sluice.Gateway.Tests.Deploy;

/// <summary>The kubectl on PATH (a Debian package; CI has it), used only offline: <c>kubectl kustomize</c> needs no cluster.</summary>
internal static class Kubectl
{
    public static readonly string? Path = Find();

    public const string Missing = "kubectl is not installed (apt-get install kubectl, or any kubectl >= 1.27 on PATH); CI has it";

    /// <summary>Renders a kustomization directory as kubectl apply -k would send it.</summary>
    public static string Kustomize(string directory)
    {
        var info = new ProcessStartInfo(Path ?? throw new InvalidOperationException(Missing))
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        info.ArgumentList.Add("kustomize");
        info.ArgumentList.Add(directory);
        using var process = Process.Start(info)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(TimeSpan.FromMinutes(2)))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"kubectl kustomize {directory} did not finish");
        }

        Assert.True(process.ExitCode == 0, $"kubectl kustomize {directory} failed ({process.ExitCode}): {error.Result}");
        return output.Result;
    }

    private static string? Find()
    {
        foreach (var directory in (Environment.GetEnvironmentVariable("PATH") ?? string.Empty).Split(System.IO.Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
        {
            var candidate = System.IO.Path.Combine(directory, "kubectl");
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        return null;
    }
}

/// <summary>A test that needs kubectl; skipped, saying so, only when kubectl is absent.</summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class KubectlFactAttribute : FactAttribute
{
    public KubectlFactAttribute()
    {
        if (Kubectl.Path is null)
        {
            Skip = Kubectl.Missing;
        }
    }
}
