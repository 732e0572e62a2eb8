using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Sluice.Discovery.Loading;
using Sluice.Discovery.Model;

namespace Sluice.Discovery.Snapshots;

/// <summary>
/// The last accepted version of every resource, in memory and in the state directory. Persisted as the source text
/// each version was loaded from, so a restart re-reads it with the same loader and positions (Gloo loses this on
/// restart: kgateway#8412).
/// </summary>
public sealed class LastGoodResources
{
    private const string StateFileName = "last-good.json";
    private readonly Dictionary<ResourceId, Resource> _resources = [];
    private bool _dirty = true;

    public int Count => _resources.Count;

    public bool TryGet(ResourceId id, out Resource resource) => _resources.TryGetValue(id, out resource!);

    public IEnumerable<Resource> FromFile(string path) => _resources.Values.Where(r => r.Origin.File == path).ToList();

    public void Accept(Resource resource)
    {
        // An unchanged file yields the same instances from the scanner's cache, so identity says "nothing new".
        if (!_resources.TryGetValue(resource.Id, out var existing) || !ReferenceEquals(existing, resource))
        {
            _resources[resource.Id] = resource;
            _dirty = true;
        }
    }

    /// <summary>Forgets resources whose definitions are gone: a deletion is deliberate, not an error.</summary>
    public void Retain(IEnumerable<ResourceId> present)
    {
        var keep = present.ToHashSet();
        foreach (var id in _resources.Keys.Where(id => !keep.Contains(id)).ToList())
        {
            _resources.Remove(id);
            _dirty = true;
        }
    }

    /// <summary>Writes atomically (temp file, then rename) so a crash mid-write never leaves a torn state file.</summary>
    public void Save(string stateDirectory)
    {
        if (!_dirty && File.Exists(Path.Combine(stateDirectory, StateFileName)))
        {
            return;
        }

        Directory.CreateDirectory(stateDirectory);
        var texts = new Dictionary<string, string>(StringComparer.Ordinal);
        var keysByText = new Dictionary<string, string>(ReferenceEqualityComparer.Instance);
        var entries = new List<StateEntry>();
        foreach (var resource in _resources.Values.OrderBy(r => r.Id.ToString(), StringComparer.Ordinal))
        {
            // Every document of a file shares the file's text instance: hash each text once, not once per resource.
            if (!keysByText.TryGetValue(resource.Origin.SourceText, out var key))
            {
                key = Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(resource.Origin.SourceText)))[..16];
                keysByText[resource.Origin.SourceText] = key;
            }

            texts.TryAdd(key, resource.Origin.SourceText);
            entries.Add(new StateEntry(resource.Kind.ToString(), resource.Namespace, resource.Metadata.Name, resource.Origin.File, key));
        }

        var path = Path.Combine(stateDirectory, StateFileName);
        var temporary = path + ".tmp";
        // The state can hold Secrets (certificates, keys): readable by the gateway's user only.
        var options = new FileStreamOptions { Mode = FileMode.Create, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        using (var stream = new FileStream(temporary, options))
        {
            JsonSerializer.Serialize(stream, new StateFile(entries, texts), StateJsonContext.Default.StateFile);
        }

        File.Move(temporary, path, overwrite: true);
        _dirty = false;
    }

    /// <summary>Reads the state directory; a missing or unreadable state file yields an empty set and a reason.</summary>
    public static LastGoodResources Load(string stateDirectory, ResourceFileLoader loader, out string? problem)
    {
        var result = new LastGoodResources();
        problem = null;
        var path = Path.Combine(stateDirectory, StateFileName);
        if (!File.Exists(path))
        {
            return result;
        }

        StateFile? state;
        try
        {
            state = JsonSerializer.Deserialize(File.ReadAllText(path), StateJsonContext.Default.StateFile);
        }
        catch (Exception ex) when (ex is JsonException or IOException or UnauthorizedAccessException)
        {
            problem = $"state file {path} could not be read ({ex.Message}); starting without a last good configuration";
            return result;
        }

        // Valid JSON of another shape ("null", "{}") binds missing members as null; it is as unusable as torn JSON.
        if (state?.Resources is null || state.Texts is null)
        {
            problem = $"state file {path} could not be read (it does not hold Sluice's resources and texts); starting without a last good configuration";
            return result;
        }

        var damaged = 0;
        foreach (var group in state.Resources.Where(e => e is not null).GroupBy(e => (e.File, e.Text)))
        {
            if (group.Key.File is null || group.Key.Text is null || !state.Texts.TryGetValue(group.Key.Text, out var text) || TryLoad(loader, group.Key.File, text) is not { } loaded)
            {
                damaged += group.Count();
                continue;
            }

            foreach (var entry in group)
            {
                var document = loaded.Documents.FirstOrDefault(d => d.Resource is not null
                    && d.Resource.Kind.ToString() == entry.Kind && d.Resource.Namespace == entry.Namespace && d.Resource.Metadata.Name == entry.Name);
                if (document?.Resource is { } resource)
                {
                    result.Accept(resource);
                }
                else
                {
                    damaged++;
                }
            }
        }

        if (damaged > 0)
        {
            // A silently shorter last-good set would surface only when a broken file at the next start serves nothing.
            problem = $"state file {path} could not be read in full ({damaged} of {state.Resources.Count} entries could not be restored); starting without them";
        }

        return result;
    }

    /// <summary>The texts were accepted once, but the state file may have been edited by hand; it must never stop a start.</summary>
    private static LoadedFile? TryLoad(ResourceFileLoader loader, string file, string text)
    {
        try
        {
            return loader.Load(file, text);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            return null;
        }
    }

    internal sealed record StateEntry(string Kind, string Namespace, string Name, string File, string Text);

    internal sealed record StateFile(IReadOnlyList<StateEntry> Resources, IReadOnlyDictionary<string, string> Texts);
}
