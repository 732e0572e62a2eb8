namespace Sluice.LoadTests.Tests;

public sealed class YarpMinTests
{
    [Fact]
    public void Yarp_min_builds_clean_under_the_repository_rules()
    {
        // Directory.Build.props makes every warning an error, so a clean exit means no warnings.
        var project = Path.Combine(Repo.LoadTests, "yarp-min", "yarp-min.csproj");
        var result = Repo.Run("dotnet",
            ["build", project, "-c", "Release", "--nologo", "-nodeReuse:false", "-p:UseSharedCompilation=false"],
            TimeSpan.FromMinutes(5));

        Assert.True(result.ExitCode == 0, result.ToString());
    }

    [Fact]
    public void Yarp_min_is_one_route_and_one_cluster_from_memory()
    {
        var program = File.ReadAllText(Path.Combine(Repo.LoadTests, "yarp-min", "Program.cs"));

        Assert.Contains("AddReverseProxy().LoadFromMemory(", program, StringComparison.Ordinal);
        Assert.Contains("Path = \"/{**catch-all}\"", program, StringComparison.Ordinal);
        Assert.Contains("HttpProtocols.Http1AndHttp2", program, StringComparison.Ordinal);
    }
}
