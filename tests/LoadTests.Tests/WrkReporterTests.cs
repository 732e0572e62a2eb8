using System.Text.RegularExpressions;
using Xunit.Abstractions;

namespace Sluice.LoadTests.Tests;

public sealed partial class WrkReporterTests(ITestOutputHelper output)
{
    private static string Reporter => Path.Combine(Repo.LoadTests, "wrk", "report.lua");

    private static readonly string[] Compilers = ["luac", "luac5.4", "luac5.3", "luac5.2", "luac5.1", "luajit"];

    [Fact]
    public void Reporter_compiles()
    {
        var compiler = Compilers.Select(Repo.Which).FirstOrDefault(path => path is not null);
        if (compiler is null)
        {
            // Nothing is installed for the tests: without a Lua compiler the reporter is checked by the
            // block-structure test below (which always runs) and this one asserts the same.
            output.WriteLine("no Lua compiler on PATH (luac, luajit); checked the block structure instead");
            Assert.Null(LuaStructure.Problem(File.ReadAllText(Reporter)));
            return;
        }

        // luajit -bl lists the bytecode (and so parses); luac -p parses only.
        string[] arguments = Path.GetFileName(compiler) == "luajit" ? ["-bl", Reporter] : ["-p", Reporter];
        var result = Repo.Run(compiler, arguments);
        Assert.True(result.ExitCode == 0, $"{compiler} rejects report.lua:\n{result}");
    }

    [Fact]
    public void Reporter_block_structure_is_balanced()
    {
        Assert.Null(LuaStructure.Problem(File.ReadAllText(Reporter)));
    }

    [Theory]
    [InlineData("done = function(a)\n  if a then\n    print(a)\nend\n", "end")]
    [InlineData("local t = {1, 2\nprint(t)\n", "{")]
    [InlineData("print(\"unterminated)\n", "string")]
    [InlineData("for i = 1, 3 do\n  x = i\nend\nend\n", "end")]
    public void Block_structure_check_finds_broken_lua(string lua, string expectedInProblem)
    {
        var problem = LuaStructure.Problem(lua);

        Assert.NotNull(problem);
        Assert.Contains(expectedInProblem, problem, StringComparison.Ordinal);
    }

    [Fact]
    public void Block_structure_check_accepts_comments_strings_and_long_brackets()
    {
        const string lua = "-- if then function\n--[[ do do do ]]\nlocal s = \"end end\" .. 'do' .. [[if]]\n" +
                           "repeat\n  s = s .. \"x\\\"y\"\nuntil #s > 3\nwhile false do end\n";

        Assert.Null(LuaStructure.Problem(lua));
    }

    [Fact]
    public void Reporter_prints_every_field_the_runner_reads()
    {
        // Only code counts: a field commented out is not printed.
        var reporter = string.Join('\n', File.ReadAllLines(Reporter).Where(line => !line.TrimStart().StartsWith("--", StringComparison.Ordinal)));
        var runner = File.ReadAllText(Path.Combine(Repo.LoadTests, "run"));
        var fields = ReporterField().Matches(reporter).Select(m => m.Groups[1].Value).ToHashSet(StringComparer.Ordinal);
        var read = RunnerRead().Matches(runner).Select(m => m.Groups[1].Value).Distinct(StringComparer.Ordinal).ToList();

        Assert.Contains("WRK_RESULT", reporter, StringComparison.Ordinal);
        Assert.Contains("^WRK_RESULT", runner, StringComparison.Ordinal);
        Assert.Contains("done = function(summary, latency, requests)", reporter, StringComparison.Ordinal);
        Assert.NotEmpty(read);
        foreach (var name in read)
        {
            Assert.True(fields.Contains(name), $"loadtests/run reads '{name}' from the WRK_RESULT line but report.lua does not print it");
        }

        foreach (var name in new[] { "p50_us", "p99_us", "p999_us", "rps", "requests", "errors" })
        {
            Assert.Contains(name, fields);
        }
    }

    [GeneratedRegex(@"field\(""(\w+)""")]
    private static partial Regex ReporterField();

    [GeneratedRegex(@"kv_get ""\$WRK_LINE"" (\w+)")]
    private static partial Regex RunnerRead();
}

/// <summary>
/// A Lua syntax check that needs no Lua: strips comments and strings, then checks that every block opener
/// (function, if, do) has its end, every repeat its until, and brackets pair up.
/// </summary>
internal static class LuaStructure
{
    public static string? Problem(string source)
    {
        var code = Strip(source, out var stringProblem);
        if (stringProblem is not null)
        {
            return stringProblem;
        }

        var words = Regex.Matches(code, @"[A-Za-z_][A-Za-z0-9_]*").Select(m => m.Value).ToList();
        var openers = words.Count(w => w is "function" or "if" or "do");
        var ends = words.Count(w => w == "end");
        if (openers != ends)
        {
            return $"{openers} block openers (function/if/do) but {ends} 'end'";
        }

        if (words.Count(w => w == "repeat") != words.Count(w => w == "until"))
        {
            return "'repeat' without 'until'";
        }

        foreach (var (open, close) in new[] { ('(', ')'), ('{', '}'), ('[', ']') })
        {
            var depth = 0;
            foreach (var c in code)
            {
                depth += c == open ? 1 : c == close ? -1 : 0;
                if (depth < 0)
                {
                    return $"unbalanced '{close}'";
                }
            }

            if (depth != 0)
            {
                return $"unbalanced '{open}'";
            }
        }

        return null;
    }

    private static string Strip(string source, out string? problem)
    {
        problem = null;
        var result = new System.Text.StringBuilder(source.Length);
        var i = 0;
        while (i < source.Length)
        {
            if (source.AsSpan(i).StartsWith("--[["))
            {
                var close = source.IndexOf("]]", i + 4, StringComparison.Ordinal);
                i = close < 0 ? source.Length : close + 2;
            }
            else if (source.AsSpan(i).StartsWith("--"))
            {
                var newline = source.IndexOf('\n', i);
                i = newline < 0 ? source.Length : newline;
            }
            else if (source.AsSpan(i).StartsWith("[["))
            {
                var close = source.IndexOf("]]", i + 2, StringComparison.Ordinal);
                if (close < 0)
                {
                    problem = "unterminated long string";
                    return string.Empty;
                }

                result.Append("\"\"");
                i = close + 2;
            }
            else if (source[i] is '"' or '\'')
            {
                var quote = source[i++];
                while (i < source.Length && source[i] != quote && source[i] != '\n')
                {
                    i += source[i] == '\\' ? 2 : 1;
                }

                if (i >= source.Length || source[i] != quote)
                {
                    problem = "unterminated string";
                    return string.Empty;
                }

                result.Append("\"\"");
                i++;
            }
            else
            {
                result.Append(source[i++]);
            }
        }

        return result.ToString();
    }
}
