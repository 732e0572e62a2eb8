using System.Text.RegularExpressions;

namespace Sluice.LoadTests.Tests;

public sealed partial class K6ScriptTests
{
    private static string K6Dir => Path.Combine(Repo.LoadTests, "k6");

    public static TheoryData<string> Scripts()
    {
        var data = new TheoryData<string>();
        foreach (var file in Directory.GetFiles(K6Dir, "*.js").Order(StringComparer.Ordinal))
        {
            data.Add(Path.GetFileName(file));
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Scripts))]
    public void Script_parses_as_an_ES_module_with_node(string name)
    {
        var node = Repo.Which("node") ?? Repo.Which("nodejs");
        Assert.True(node is not null, "node must be on PATH to check the k6 scripts' syntax");

        // k6 scripts are ES modules; node treats a .mjs file as one, and --check only parses.
        var temp = Directory.CreateTempSubdirectory("k6-check-");
        try
        {
            var copy = Path.Combine(temp.FullName, Path.ChangeExtension(name, ".mjs"));
            File.Copy(Path.Combine(K6Dir, name), copy);
            var result = Repo.Run(node!, ["--check", copy]);
            Assert.True(result.ExitCode == 0, $"{name} does not parse as an ES module:\n{result}");
        }
        finally
        {
            temp.Delete(recursive: true);
        }
    }

    [Theory]
    [MemberData(nameof(Scripts))]
    public void Script_imports_k6_reads_the_target_from_the_environment_and_sets_thresholds(string name)
    {
        var text = File.ReadAllText(Path.Combine(K6Dir, name));
        Assert.Matches(ImportK6(), text);
        Assert.Contains("__ENV.TARGET_URL", text, StringComparison.Ordinal);
        Assert.Matches(Thresholds(), text);
        Assert.Matches(ExportedEntryPoint(), text);
    }

    [Fact]
    public void Every_scenario_from_1_to_7_has_a_script()
    {
        var names = Directory.GetFiles(K6Dir, "*.js").Select(Path.GetFileName).ToList();
        for (var scenario = 1; scenario <= 7; scenario++)
        {
            var prefix = $"{scenario:00}-";
            Assert.True(names.Any(n => n!.StartsWith(prefix, StringComparison.Ordinal)),
                $"no k6 script for scenario {scenario} (expected loadtests/k6/{prefix}*.js); found: {string.Join(", ", names)}");
        }
    }

    [GeneratedRegex(@"^import\s.+\sfrom\s+'k6(/[a-z]+)?';", RegexOptions.Multiline)]
    private static partial Regex ImportK6();

    [GeneratedRegex(@"thresholds\s*:\s*\{")]
    private static partial Regex Thresholds();

    [GeneratedRegex(@"^export (default function|function \w+)", RegexOptions.Multiline)]
    private static partial Regex ExportedEntryPoint();
}
