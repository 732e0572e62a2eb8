using Sluice.Discovery.Model;

namespace Sluice.Discovery.Loading;

/// <summary>What a path in Gloo's file layout (<c>&lt;kind-plural&gt;/&lt;namespace&gt;/&lt;name&gt;.yaml</c>) says about its resource.</summary>
internal sealed record GlooFileLayout(ResourceKind Kind, string Namespace, string Name)
{
    public static GlooFileLayout? From(string path)
    {
        var nsDir = Path.GetDirectoryName(path);
        var kindDir = nsDir is null ? null : Path.GetDirectoryName(nsDir);
        if (nsDir is null || kindDir is null)
        {
            return null;
        }

        return ResourceKinds.ByPlural.TryGetValue(Path.GetFileName(kindDir), out var kind)
            ? new GlooFileLayout(kind, Path.GetFileName(nsDir), Path.GetFileNameWithoutExtension(path))
            : null;
    }
}
