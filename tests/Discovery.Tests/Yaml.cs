using Sluice.Discovery.Graph;
using Sluice.Discovery.Loading;
using Sluice.Discovery.Model;
using Sluice.Discovery.Validation;
using Sluice.Filters;

namespace Sluice.Discovery.Tests;

/// <summary>Loads YAML the way the gateway does, so tests read like the configuration users write.</summary>
internal static class Yaml
{
    public const string DefaultPath = "config/shop.yaml";

    private static readonly ResourceFileLoader Loader = new(FilterRegistry.Default);

    public static LoadedFile LoadFile(string text, string path = DefaultPath) => Loader.Load(path, text);

    /// <summary>The one document of a single-document file, whatever its diagnostics.</summary>
    public static LoadedDocument LoadDocument(string text, string path = DefaultPath) => Assert.Single(LoadFile(text, path).Documents);

    /// <summary>Every resource of the file; fails the test if loading reported anything at all.</summary>
    public static IReadOnlyList<Resource> LoadClean(string text, string path = DefaultPath)
    {
        var file = LoadFile(text, path);
        var diagnostics = file.Documents.SelectMany(d => d.Diagnostics).ToList();
        Assert.True(diagnostics.Count == 0, "expected a clean load, got:\n" + string.Join('\n', diagnostics));
        Assert.False(file.Unreadable);
        return [.. file.Documents.Select(d => d.Resource ?? throw new InvalidOperationException("clean document without a resource"))];
    }

    public static T LoadOne<T>(string text, string path = DefaultPath)
        where T : Resource => Assert.IsType<T>(Assert.Single(LoadClean(text, path)));

    public static ResourceIndex Index(string text) => new(LoadClean(text));

    /// <summary>Loads cleanly, then runs the per-resource semantic checks.</summary>
    public static IReadOnlyList<Diagnostic> Validate(string text) => ResourceValidator.Validate(Assert.Single(LoadClean(text)));

    public static IReadOnlyList<CrossResourceProblem> CrossValidate(string text, IReadOnlyDictionary<(int Port, string Domain), ResourceId>? incumbents = null) =>
        CrossResourceValidator.Validate(Index(text), incumbents ?? new Dictionary<(int Port, string Domain), ResourceId>());
}
