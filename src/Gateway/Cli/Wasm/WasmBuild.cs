using System.Diagnostics;

namespace Sluice.Gateway.Cli.Wasm;

/// <summary><c>sluice wasm build [DIR]</c>: <c>npm install</c> when the SDK is not installed yet, then <c>npm run build</c>.</summary>
internal static class WasmBuild
{
    public static async Task<int> RunAsync(string directory, TextWriter output, TextWriter error, CancellationToken cancellation)
    {
        var full = Path.GetFullPath(directory);
        if (!File.Exists(Path.Combine(full, "package.json")))
        {
            error.WriteLine($"{full} has no package.json; create a project with 'sluice wasm init NAME'");
            return 2;
        }

        if (!Directory.Exists(Path.Combine(full, "node_modules")))
        {
            var installed = await RunAsync(full, "install --no-audit --no-fund", output, error, cancellation).ConfigureAwait(false);
            if (installed != 0)
            {
                return installed;
            }
        }

        var built = await RunAsync(full, "run build", output, error, cancellation).ConfigureAwait(false);
        if (built != 0)
        {
            return built;
        }

        var wasm = Directory.Exists(Path.Combine(full, "build")) ? Directory.GetFiles(Path.Combine(full, "build"), "*.wasm") : [];
        output.WriteLine(wasm.Length > 0 ? $"Built {string.Join(", ", wasm)}" : "Built (no .wasm found under build/)");
        return 0;
    }

    private static async Task<int> RunAsync(string directory, string arguments, TextWriter output, TextWriter error, CancellationToken cancellation)
    {
        output.WriteLine($"npm {arguments}");
        Process process;
        try
        {
            process = Process.Start(new ProcessStartInfo("npm", arguments) { WorkingDirectory = directory })!;
        }
        catch (System.ComponentModel.Win32Exception ex)
        {
            error.WriteLine($"npm could not be started ({ex.Message}); install Node.js and npm");
            return 1;
        }

        using (process)
        {
            await process.WaitForExitAsync(cancellation).ConfigureAwait(false);
            if (process.ExitCode != 0)
            {
                error.WriteLine($"npm {arguments} failed with exit code {process.ExitCode}");
            }

            return process.ExitCode;
        }
    }
}
