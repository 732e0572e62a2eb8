using Sluice.Discovery.Files;
using Sluice.Discovery.Loading;
using Sluice.Discovery.Snapshots;
using Sluice.Filters;

namespace Sluice.Gateway.Cli;

/// <summary>
/// <c>sluice validate PATH...</c>: the same loading and validation the gateway runs, offline, printing one line per
/// problem (<c>FILE:LINE:COL: error|warning: KIND NAMESPACE/NAME: FIELD.PATH: MESSAGE</c>) and a summary.
/// </summary>
internal static class ValidateCommand
{
    public static int Run(IReadOnlyList<string> paths, TextWriter output)
    {
        var missing = paths.Where(p => !File.Exists(p) && !Directory.Exists(p)).ToList();
        foreach (var path in missing)
        {
            output.WriteLine($"{path}: error: no such file or directory");
        }

        if (missing.Count > 0)
        {
            return 2;
        }

        var loader = new ResourceFileLoader(FilterRegistry.Default);
        var files = new ConfigFileScanner(paths, loader).Scan();
        var snapshot = SnapshotBuilder.Build(files, new LastGoodResources(), ResourceSnapshot.Empty, TimeProvider.System);
        var diagnostics = snapshot.AllDiagnostics
            .Distinct()
            .OrderBy(d => d.File, StringComparer.Ordinal)
            .ThenBy(d => d.Position.Line)
            .ThenBy(d => d.Position.Column)
            .ToList();

        var cwd = Directory.GetCurrentDirectory();
        foreach (var diagnostic in diagnostics)
        {
            output.WriteLine((diagnostic with { File = Relative(cwd, diagnostic.File) }).ToString());
        }

        var errors = diagnostics.Count(d => d.IsError);
        var warnings = diagnostics.Count - errors;
        output.WriteLine($"{files.Count} files, {snapshot.Statuses.Count} resources: {errors} errors, {warnings} warnings");
        return errors > 0 ? 1 : 0;
    }

    private static string Relative(string cwd, string file)
    {
        var relative = Path.GetRelativePath(cwd, file);
        return relative.StartsWith("..", StringComparison.Ordinal) ? file : relative;
    }
}
