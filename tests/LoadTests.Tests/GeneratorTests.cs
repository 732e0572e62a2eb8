using System.Text.RegularExpressions;

namespace Sluice.LoadTests.Tests;

public sealed partial class GeneratorTests : IDisposable
{
    // The route options Sluice implements today; any other option makes the VirtualService Rejected.
    private static readonly HashSet<string> ImplementedOptions = new(StringComparer.Ordinal)
    {
        "prefixRewrite", "regexRewrite", "hostRewrite", "timeout",
    };

    private readonly DirectoryInfo _runDir = Directory.CreateTempSubdirectory("loadtests-gen-");

    public void Dispose() => _runDir.Delete(recursive: true);

    private ProcessResult Generate(params string[] arguments) =>
        Repo.Run("python3", [Path.Combine(Repo.LoadTests, "lib", "gen_configs.py"), .. arguments, "--run-dir", _runDir.FullName]);

    [Fact]
    public void Edge_config_uses_only_the_route_options_Sluice_implements()
    {
        var result = Generate("proxies", "--mode", "edge", "--vhosts", "50", "--routes", "20", "--regex-every", "2");
        Assert.True(result.ExitCode == 0, result.ToString());

        var yaml = File.ReadAllText(Path.Combine(_runDir.FullName, "sluice-config", "edge", "vhosts.yaml"));
        var blocks = OptionsBlock().Matches(yaml);
        var options = blocks.SelectMany(b => OptionKey().Matches(b.Groups[1].Value)).Select(m => m.Groups[1].Value)
            .ToHashSet(StringComparer.Ordinal);

        Assert.Equal(50 * 20, blocks.Count);
        Assert.Subset(ImplementedOptions, options);
        Assert.Contains("prefixRewrite", options);
        Assert.Contains("regexRewrite", options);
        Assert.Equal(50, VirtualService().Matches(yaml).Count);
        Assert.Equal(50 * 20, PrefixMatcher().Matches(yaml).Count);
        Assert.Contains("domains: ['vh49.bench.local']", yaml, StringComparison.Ordinal);
        Assert.Contains("- matchers: [{prefix: /api/r19/}]", yaml, StringComparison.Ordinal);
    }

    [Fact]
    public void Scale_config_has_ten_thousand_routes_across_a_thousand_domains()
    {
        var result = Generate("proxies", "--mode", "scale", "--vhosts", "1000", "--routes", "10");
        Assert.True(result.ExitCode == 0, result.ToString());

        var yaml = File.ReadAllText(Path.Combine(_runDir.FullName, "sluice-config", "scale", "vhosts.yaml"));
        Assert.Equal(1000, VirtualService().Matches(yaml).Count);
        Assert.Equal(10_000, PrefixMatcher().Matches(yaml).Count);

        var nginx = File.ReadAllText(Path.Combine(_runDir.FullName, "conf", "scale", "nginx.conf"));
        Assert.Equal(1000, Regex.Matches(nginx, @"server_name vh\d+\.bench\.local;").Count);
        Assert.Equal(1000, File.ReadAllLines(Path.Combine(_runDir.FullName, "conf", "scale", "haproxy-hosts.map")).Length);
    }

    [Fact]
    public void A_reload_variant_differs_from_the_served_file()
    {
        Assert.Equal(0, Generate("proxies", "--mode", "scale", "--vhosts", "10", "--routes", "10").ExitCode);
        var variant = Path.Combine(_runDir.FullName, "variant.yaml");
        var result = Generate("sluice-vhosts", "--mode", "scale", "--vhosts", "10", "--routes", "10", "--timeout-base", "31", "--out", variant);
        Assert.True(result.ExitCode == 0, result.ToString());

        var served = File.ReadAllText(Path.Combine(_runDir.FullName, "sluice-config", "scale", "vhosts.yaml"));
        var changed = File.ReadAllText(variant);
        Assert.NotEqual(served, changed);
        Assert.Equal(served, changed.Replace("timeout: 31s", "timeout: 30s", StringComparison.Ordinal));
    }

    [Fact]
    public void Base_config_serves_plain_and_tls_gateways_from_one_backend()
    {
        Assert.Equal(0, Generate("backend").ExitCode);
        Assert.Equal(0, Generate("proxies", "--mode", "base").ExitCode);

        var yaml = File.ReadAllText(Path.Combine(_runDir.FullName, "sluice-config", "base", "bench.yaml"));
        Assert.Contains("bindPort: 18080", yaml, StringComparison.Ordinal);
        Assert.Contains("ssl: true", yaml, StringComparison.Ordinal);
        Assert.Contains("sslConfig:", yaml, StringComparison.Ordinal);
        Assert.Equal(3, new FileInfo(Path.Combine(_runDir.FullName, "www", "3")).Length);
        Assert.Equal(4096, new FileInfo(Path.Combine(_runDir.FullName, "www", "4k")).Length);
        Assert.Equal(10 * 1024 * 1024, new FileInfo(Path.Combine(_runDir.FullName, "www", "10m")).Length);
    }

    [Fact]
    public void The_future_options_are_parked_in_a_marked_place_in_the_generator()
    {
        var generator = File.ReadAllText(Path.Combine(Repo.LoadTests, "lib", "gen_configs.py"));

        Assert.Contains("FUTURE OPTIONS", generator, StringComparison.Ordinal);
        foreach (var option in new[] { "headerManipulation", "jwt", "ratelimit", "retries" })
        {
            Assert.Matches($@"#\s+lines \+= \[""\s+{option}", generator);
        }
    }

    [GeneratedRegex(@"^      options:\n((?:        .*\n)+)", RegexOptions.Multiline)]
    private static partial Regex OptionsBlock();

    // A key directly under "options:" (nested keys are indented further).
    [GeneratedRegex(@"^        (\w+):", RegexOptions.Multiline)]
    private static partial Regex OptionKey();

    [GeneratedRegex(@"^kind: VirtualService$", RegexOptions.Multiline)]
    private static partial Regex VirtualService();

    [GeneratedRegex(@"- matchers: \[\{prefix: /api/r\d+/\}\]")]
    private static partial Regex PrefixMatcher();
}
