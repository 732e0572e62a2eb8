namespace Sluice.Discovery.Loading;

/// <summary>Something that produces loaded resources for the next snapshot: the config files, the cluster, or both.</summary>
public interface IResourceSource
{
    IReadOnlyList<LoadedFile> Scan();
}

/// <summary>Several sources as one: their resources side by side (a resource defined by two is an error on it, as for two files).</summary>
public sealed class CombinedResourceSource(IReadOnlyList<IResourceSource> sources) : IResourceSource
{
    public IReadOnlyList<LoadedFile> Scan()
    {
        var files = new List<LoadedFile>();
        foreach (var source in sources)
        {
            files.AddRange(source.Scan());
        }

        return files;
    }
}
