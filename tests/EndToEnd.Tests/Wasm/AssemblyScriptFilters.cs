using System.Diagnostics;

namespace Sluice.EndToEnd.Tests.Wasm;

/// <summary>
/// Builds the test filters in <c>Wasm/AssemblyScript</c> with the AssemblyScript SDK WebAssembly Hub used
/// (<c>@solo-io/proxy-runtime</c> and the <c>assemblyscript</c> version it pins), once per test class: one
/// <c>npm install</c> (node_modules stays in the source folder, git-ignored, so later runs skip it) and one asc run.
/// </summary>
public sealed class AssemblyScriptFilters : IAsyncLifetime
{
    public string ModulePath { get; private set; } = string.Empty;

    public async Task InitializeAsync()
    {
        var directory = Path.Combine(RepositoryRoot(), "tests", "EndToEnd.Tests", "Wasm", "AssemblyScript");
        if (!File.Exists(Path.Combine(directory, "node_modules", "assemblyscript", "package.json")) ||
            !File.Exists(Path.Combine(directory, "node_modules", "@solo-io", "proxy-runtime", "package.json")))
        {
            await RunAsync(directory, "npm", "install --no-audit --no-fund");
        }

        await RunAsync(directory, "npm", "run build");
        ModulePath = Path.Combine(directory, "build", "filters.wasm");
    }

    public Task DisposeAsync() => Task.CompletedTask;

    private static async Task RunAsync(string directory, string command, string arguments)
    {
        using var process = Process.Start(new ProcessStartInfo(command, arguments)
        {
            WorkingDirectory = directory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        })!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(5));
        await process.WaitForExitAsync(timeout.Token);
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{command} {arguments} failed ({process.ExitCode}): {await output}\n{await error}");
        }
    }

    private static string RepositoryRoot()
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "Gateway.sln")))
        {
            directory = directory.Parent;
        }

        return directory?.FullName ?? throw new InvalidOperationException("Gateway.sln not found above the test binaries");
    }
}
