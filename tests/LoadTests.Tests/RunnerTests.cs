using System.Runtime.Versioning;

namespace Sluice.LoadTests.Tests;

public sealed class RunnerTests
{
    private static string Runner => Path.Combine(Repo.LoadTests, "run");

    [Fact]
    public void Help_exits_zero_and_documents_quick()
    {
        var result = Repo.Run("bash", [Runner, "--help"]);

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("Usage: loadtests/run", result.Stdout, StringComparison.Ordinal);
        Assert.Contains("--quick", result.Stdout, StringComparison.Ordinal);
        Assert.Equal(string.Empty, result.Stderr);
    }

    [Fact]
    public void Short_help_flag_works_too()
    {
        var result = Repo.Run("bash", [Runner, "-h"]);

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("--quick", result.Stdout, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("--no-such-option")]
    [InlineData("--rounds", "zero")]
    [InlineData("--targets", "squid")]
    public void Bad_arguments_fail_before_anything_starts(params string[] arguments)
    {
        var result = Repo.Run("bash", [Runner, .. arguments]);

        Assert.True(result.ExitCode == 2, result.ToString());
        Assert.StartsWith("run: ", result.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    [SupportedOSPlatform("linux")]
    public void Runner_is_executable()
    {
        var mode = File.GetUnixFileMode(Runner);
        Assert.True(mode.HasFlag(UnixFileMode.UserExecute), $"loadtests/run has mode {mode}; it must be executable");
    }

    public static TheoryData<string> ShellScripts() => new(ShellScriptPaths());

    private static List<string> ShellScriptPaths() =>
        LoadTestFiles().Where(IsShellScript).Select(file => Path.GetRelativePath(Repo.Root, file)).Order(StringComparer.Ordinal).ToList();

    [Theory]
    [MemberData(nameof(ShellScripts))]
    public void Shell_script_passes_bash_syntax_check(string relativePath)
    {
        var result = Repo.Run("bash", ["-n", Path.Combine(Repo.Root, relativePath)]);

        Assert.True(result.ExitCode == 0, $"bash -n {relativePath}:\n{result}");
    }

    [Fact]
    public void The_runner_is_among_the_shell_scripts_checked()
    {
        Assert.Contains(Path.Combine("loadtests", "run"), ShellScriptPaths());
    }

    public static TheoryData<string> PythonHelpers()
    {
        var data = new TheoryData<string>();
        foreach (var file in Directory.GetFiles(Path.Combine(Repo.LoadTests, "lib"), "*.py").Order(StringComparer.Ordinal))
        {
            data.Add(Path.GetFileName(file));
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(PythonHelpers))]
    public void Python_helper_parses(string name)
    {
        // ast.parse checks the syntax without writing __pycache__ into the repository.
        var path = Path.Combine(Repo.LoadTests, "lib", name);
        var result = Repo.Run("python3", ["-c", "import ast, sys; ast.parse(open(sys.argv[1]).read(), sys.argv[1])", path]);

        Assert.True(result.ExitCode == 0, $"{name}:\n{result}");
    }

    [Fact]
    public void Readme_documents_the_command_the_scenarios_and_the_results_history()
    {
        var readme = File.ReadAllText(Path.Combine(Repo.LoadTests, "README.md"));

        Assert.Contains("loadtests/run", readme, StringComparison.Ordinal);
        Assert.Contains("--quick", readme, StringComparison.Ordinal);
        Assert.Contains("## Results history", readme, StringComparison.Ordinal);
        Assert.Contains("results/latest.md", readme, StringComparison.Ordinal);
        for (var scenario = 1; scenario <= 7; scenario++)
        {
            Assert.Contains($"| {scenario} |", readme, StringComparison.Ordinal);
        }
    }

    internal static IEnumerable<string> LoadTestFiles()
    {
        var skipped = new[] { ".build", "results", "bin", "obj", "node_modules" };
        var pending = new Stack<string>([Repo.LoadTests]);
        while (pending.Count > 0)
        {
            var dir = pending.Pop();
            foreach (var sub in Directory.GetDirectories(dir))
            {
                if (!skipped.Contains(Path.GetFileName(sub), StringComparer.Ordinal))
                {
                    pending.Push(sub);
                }
            }

            foreach (var file in Directory.GetFiles(dir))
            {
                yield return file;
            }
        }
    }

    private static bool IsShellScript(string path)
    {
        if (path.EndsWith(".sh", StringComparison.Ordinal) || path.EndsWith(".bash", StringComparison.Ordinal))
        {
            return true;
        }

        using var reader = new StreamReader(path);
        var first = reader.ReadLine() ?? string.Empty;
        return first.StartsWith("#!", StringComparison.Ordinal) &&
               (first.EndsWith("/bash", StringComparison.Ordinal) || first.EndsWith(" bash", StringComparison.Ordinal) ||
                first.EndsWith("/sh", StringComparison.Ordinal) || first.EndsWith(" sh", StringComparison.Ordinal));
    }
}
