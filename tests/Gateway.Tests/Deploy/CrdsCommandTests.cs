using Sluice.Discovery.Schema;
using Sluice.Filters;
using Sluice.Gateway.Cli;

namespace Sluice.Gateway.Tests.Deploy;

/// <summary><c>sluice crds --output DIR</c> leaves DIR holding exactly the generated files.</summary>
public sealed class CrdsCommandTests : IDisposable
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "sluice-crds-" + Guid.NewGuid().ToString("N")[..12]);

    public void Dispose()
    {
        if (Directory.Exists(_directory))
        {
            Directory.Delete(_directory, recursive: true);
        }
    }

    [Fact]
    public void Crds_WritesEveryManifest_AndRemovesOnesOfKindsThatNoLongerExist()
    {
        Directory.CreateDirectory(_directory);
        var stale = Path.Combine(_directory, "gateway.sluice.dev_retired.yaml");
        File.WriteAllText(stale, "old");
        using var output = new StringWriter();

        var exit = CrdsCommand.Run(_directory, output);

        Assert.Equal(0, exit);
        Assert.False(File.Exists(stale));
        var generated = CrdSchemaGenerator.Generate(FilterRegistry.Default);
        Assert.Equal(generated.Select(m => m.FileName).Order(StringComparer.Ordinal), Directory.GetFiles(_directory).Select(Path.GetFileName).Order(StringComparer.Ordinal));
        foreach (var manifest in generated)
        {
            Assert.Equal(manifest.Yaml, File.ReadAllText(Path.Combine(_directory, manifest.FileName)));
        }

        Assert.Contains($"removed {stale}", output.ToString(), StringComparison.Ordinal);
    }
}
