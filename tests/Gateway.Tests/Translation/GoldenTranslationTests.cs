using System.Text;
using Sluice.Discovery.Loading;
using Sluice.Discovery.Snapshots;
using Sluice.Filters;
using Sluice.Gateway.DataPlane;
using Sluice.Gateway.Translation;

namespace Sluice.Gateway.Tests.Translation;

/// <summary>
/// The translator is a pure function of the snapshot: each <c>Golden/NAME.yaml</c> is loaded, validated and
/// translated, and the printed result (routes in match order, targets, filters, provenance, statuses) must equal
/// <c>NAME.expected.txt</c>. Set SLUICE_UPDATE_GOLDEN=1 to rewrite the expected files after a deliberate change.
/// </summary>
public sealed class GoldenTranslationTests
{
    public static TheoryData<string> Cases()
    {
        var data = new TheoryData<string>();
        foreach (var file in Directory.EnumerateFiles(GoldenDirectory, "*.yaml").Order(StringComparer.Ordinal))
        {
            data.Add(Path.GetFileNameWithoutExtension(file));
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Translate_GoldenCase_MatchesExpectedOutput(string name)
    {
        var actual = TranslateAndPrint(Path.Combine(GoldenDirectory, name + ".yaml"));
        var expectedPath = Path.Combine(SourceGoldenDirectory, name + ".expected.txt");
        if (Environment.GetEnvironmentVariable("SLUICE_UPDATE_GOLDEN") == "1")
        {
            File.WriteAllText(expectedPath, actual);
        }

        Assert.True(File.Exists(expectedPath), $"{expectedPath} is missing; run with SLUICE_UPDATE_GOLDEN=1 to create it, then review it");
        Assert.Equal(File.ReadAllText(expectedPath), actual);
    }

    [Fact]
    public void Cases_AreNotEmpty() => Assert.True(Cases().Count >= 4);

    private static string TranslateAndPrint(string path)
    {
        var loader = new ResourceFileLoader(FilterRegistry.Default);
        var loaded = loader.Load("golden.yaml", File.ReadAllText(path));
        var snapshot = SnapshotBuilder.Build([loaded], new LastGoodResources(), ResourceSnapshot.Empty, TimeProvider.System);
        using var invokers = new UpstreamInvokerPool();
        var config = new ConfigTranslator(FilterRegistry.Default, invokers, new CertificateCache()).Translate(snapshot);

        var text = new StringBuilder(CompiledConfigPrinter.Print(config));
        foreach (var status in snapshot.Statuses)
        {
            text.Append("status ").Append(status.Id).Append(": ").Append(status.State).Append(status.ServingLastGood ? " (serving last good)" : string.Empty).Append('\n');
            foreach (var reason in status.Reasons)
            {
                text.Append("  ").Append(reason).Append('\n');
            }
        }

        foreach (var problem in snapshot.FileDiagnostics)
        {
            text.Append("file ").Append(problem).Append('\n');
        }

        return text.ToString();
    }

    private static string GoldenDirectory => Path.Combine(AppContext.BaseDirectory, "Translation", "Golden");

    private static string SourceGoldenDirectory
    {
        get
        {
            var directory = new DirectoryInfo(AppContext.BaseDirectory);
            while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "Gateway.sln")))
            {
                directory = directory.Parent;
            }

            return directory is null ? GoldenDirectory : Path.Combine(directory.FullName, "tests", "Gateway.Tests", "Translation", "Golden");
        }
    }
}
