using Sluice.Discovery.Loading;
using Sluice.Discovery.Model;

namespace Sluice.Discovery.Files;

/// <summary>
/// Reads every <c>.yaml</c>/<c>.yml</c> under the configured paths (files or directories, recursively), re-parsing only
/// files whose size or modification time changed since the last scan. Hidden entries (<c>.git</c>, editor swap
/// files, Kubernetes ConfigMap <c>..data</c> internals) are skipped; the symlinks pointing into them are followed.
/// </summary>
public sealed class ConfigFileScanner(IReadOnlyList<string> paths, ResourceFileLoader loader)
{
    private Dictionary<string, (long Length, DateTime Modified, LoadedFile File)> _cache = new(StringComparer.Ordinal);

    /// <summary>The files the loaded documents reference (Wasm modules) and their stamps when the documents were loaded.</summary>
    private Dictionary<string, (long Length, DateTime Modified)> _referenced = new(StringComparer.Ordinal);

    public IReadOnlyList<string> Paths { get; } = [.. paths.Select(Path.GetFullPath)];

    public IReadOnlyList<LoadedFile> Scan()
    {
        var next = new Dictionary<string, (long, DateTime, LoadedFile)>(StringComparer.Ordinal);
        var result = new List<LoadedFile>();
        foreach (var file in EnumerateFiles())
        {
            FileInfo info;
            try
            {
                info = new FileInfo(file);
                if (!info.Exists)
                {
                    continue;
                }
            }
            catch (IOException)
            {
                continue;
            }

            if (_cache.TryGetValue(file, out var cached) && cached.Length == info.Length && cached.Modified == info.LastWriteTimeUtc && !ReferencedFileChanged(cached.File))
            {
                next[file] = cached;
                result.Add(cached.File);
                continue;
            }

            string text;
            try
            {
                text = File.ReadAllText(file);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                // Vanished or locked between listing and reading; the next scan sees its final state.
                continue;
            }

            var loaded = LoadOrReport(file, text);
            next[file] = (info.Length, info.LastWriteTimeUtc, loaded);
            result.Add(loaded);
        }

        _cache = next;
        var referenced = new Dictionary<string, (long, DateTime)>(StringComparer.Ordinal);
        foreach (var loaded in result)
        {
            foreach (var document in loaded.Documents)
            {
                foreach (var path in document.ReferencedFiles)
                {
                    referenced[path] = Stamp(path);
                }
            }
        }

        _referenced = referenced;
        return result;
    }

    /// <summary>Whether a file a document of <paramref name="file"/> loads changed since it was loaded.</summary>
    private bool ReferencedFileChanged(LoadedFile file)
    {
        foreach (var document in file.Documents)
        {
            foreach (var path in document.ReferencedFiles)
            {
                if (!_referenced.TryGetValue(path, out var stamp) || stamp != Stamp(path))
                {
                    return true;
                }
            }
        }

        return false;
    }

    private static (long Length, DateTime Modified) Stamp(string path)
    {
        try
        {
            var info = new FileInfo(path);
            return info.Exists ? (info.Length, info.LastWriteTimeUtc) : (-1, default);
        }
        catch (IOException)
        {
            return (-1, default);
        }
    }

    /// <summary>
    /// True when a file that held text at the last scan is now empty and was written within <paramref name="window"/>:
    /// most likely a writer that truncated it and has not written yet (saving in place), not someone emptying it.
    /// </summary>
    public bool HasJustBeenEmptied(DateTime nowUtc, TimeSpan window)
    {
        foreach (var (file, cached) in Volatile.Read(ref _cache))
        {
            if (cached.Length == 0)
            {
                continue;
            }

            try
            {
                var info = new FileInfo(file);
                if (info.Exists && info.Length == 0 && (nowUtc - info.LastWriteTimeUtc).Duration() < window)
                {
                    return true;
                }
            }
            catch (IOException)
            {
            }
        }

        return false;
    }

    /// <summary>
    /// Whether some file changed less than <paramref name="settle"/> ago: it may be half written (an in-place save
    /// truncates first), and reading it now could drop routes for a moment. A time in the future (clock skew, files
    /// unpacked from an archive) does not count, or such a file would hold reloads back forever.
    /// </summary>
    public bool AnyModifiedWithin(TimeSpan settle, DateTime utcNow)
    {
        foreach (var file in EnumerateFiles())
        {
            try
            {
                var modified = File.GetLastWriteTimeUtc(file);
                if (modified > utcNow - settle && modified <= utcNow + TimeSpan.FromSeconds(1))
                {
                    return true;
                }
            }
            catch (IOException)
            {
            }
        }

        return false;
    }

    /// <summary>A cheap summary of the files' names, sizes and times, to notice changes a watcher missed.</summary>
    public string Fingerprint()
    {
        var hash = new HashCode();
        foreach (var file in EnumerateFiles())
        {
            hash.Add(file, StringComparer.Ordinal);
            try
            {
                var info = new FileInfo(file);
                hash.Add(info.Length);
                hash.Add(info.LastWriteTimeUtc);
            }
            catch (IOException)
            {
                hash.Add(-1);
            }
        }

        foreach (var path in Volatile.Read(ref _referenced).Keys)
        {
            hash.Add(path, StringComparer.Ordinal);
            hash.Add(Stamp(path));
        }

        return hash.ToHashCode().ToString(System.Globalization.CultureInfo.InvariantCulture);
    }

    /// <summary>
    /// YamlDotNet throws InvalidOperationException instead of a YamlException on some malformed input (an unclosed
    /// flow sequence followed by more block content). Whatever the loader throws is about this file's text alone, so it
    /// becomes an unreadable file (its resources keep their last good versions), never a crashed reload or start-up.
    /// </summary>
    private LoadedFile LoadOrReport(string file, string text)
    {
        try
        {
            return loader.Load(file, text);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            var diagnostic = new Diagnostic(DiagnosticSeverity.Error, file, new SourcePosition(1, 1), "Document", "-", "-", string.Empty,
                $"invalid YAML: the parser failed on this file ({ex.Message}); look for an unclosed bracket, brace or quote");
            return new LoadedFile(file, text, [new LoadedDocument(null, null, [diagnostic])], Unreadable: true);
        }
    }

    private IEnumerable<string> EnumerateFiles()
    {
        var files = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var path in Paths)
        {
            if (File.Exists(path))
            {
                files.Add(path);
                continue;
            }

            if (!Directory.Exists(path))
            {
                continue;
            }

            var options = new EnumerationOptions { RecurseSubdirectories = true, IgnoreInaccessible = true, AttributesToSkip = FileAttributes.Hidden };
            foreach (var file in Directory.EnumerateFiles(path, "*", options))
            {
                var relative = Path.GetRelativePath(path, file);
                if (relative.Split(Path.DirectorySeparatorChar).Any(part => part.StartsWith('.')))
                {
                    continue;
                }

                if (file.EndsWith(".yaml", StringComparison.OrdinalIgnoreCase) || file.EndsWith(".yml", StringComparison.OrdinalIgnoreCase))
                {
                    files.Add(file);
                }
            }
        }

        return files;
    }
}
