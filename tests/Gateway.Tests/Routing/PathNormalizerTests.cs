using Sluice.Gateway.Routing;

namespace Sluice.Gateway.Tests.Routing;

public sealed class PathNormalizerTests
{
    [Theory]
    [InlineData("/a/b", "/a/b")]
    [InlineData("", "/")]
    [InlineData("/", "/")]
    [InlineData("//a///b", "/a/b")]
    [InlineData("/a/./b", "/a/b")]
    [InlineData("/a/../b", "/b")]
    [InlineData("/../../etc/passwd", "/etc/passwd")]
    [InlineData("/a/b/", "/a/b/")]
    [InlineData("/a/b/..", "/a/")]
    [InlineData("/public/./../admin", "/admin")]
    [InlineData("/a%20b", "/a%20b")]
    public void TryNormalize_ProducesTheCanonicalPath(string input, string expected)
    {
        Assert.True(PathNormalizer.TryNormalize(input, out var normalized));
        Assert.Equal(expected, normalized);
    }

    [Theory]
    [InlineData("/public/..%2fadmin")]
    [InlineData("/public/..%2Fadmin")]
    [InlineData("/a\\b")]
    [InlineData("/a%5cb")]
    [InlineData("relative")]
    [InlineData("/nul\0byte")]
    public void TryNormalize_RefusesAmbiguousPaths(string input) => Assert.False(PathNormalizer.TryNormalize(input, out _));

    [Fact]
    public void TryNormalize_AlreadyNormalPath_ReturnsTheSameInstance()
    {
        var path = "/api/v1/users";
        Assert.True(PathNormalizer.TryNormalize(path, out var normalized));
        Assert.Same(path, normalized);
    }
}
