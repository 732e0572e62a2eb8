using Sluice.Discovery.Schema;
using Sluice.Filters;

namespace Sluice.Gateway.Cli;

/// <summary>
/// <c>sluice crds --output deploy/crds</c> (hidden: a build step, not a user command): writes the CustomResourceDefinitions
/// generated from the model and removes generated files of kinds that no longer exist, so the folder is exactly the output.
/// </summary>
internal static class CrdsCommand
{
    public static int Run(string outputDirectory, TextWriter output)
    {
        Directory.CreateDirectory(outputDirectory);
        var manifests = CrdSchemaGenerator.Generate(FilterRegistry.Default);
        var written = new HashSet<string>(StringComparer.Ordinal);
        foreach (var manifest in manifests)
        {
            File.WriteAllText(Path.Combine(outputDirectory, manifest.FileName), manifest.Yaml);
            written.Add(manifest.FileName);
        }

        foreach (var stale in Directory.EnumerateFiles(outputDirectory, "*.yaml"))
        {
            if (!written.Contains(Path.GetFileName(stale)))
            {
                File.Delete(stale);
                output.WriteLine($"removed {stale}");
            }
        }

        output.WriteLine($"wrote {manifests.Count} files to {outputDirectory}");
        return 0;
    }
}
