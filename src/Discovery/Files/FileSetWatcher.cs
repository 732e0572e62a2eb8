namespace Sluice.Discovery.Files;

/// <summary>
/// Watches a changing set of files outside the config directories (certificates and keys named by <c>sslFiles</c>)
/// and raises <see cref="Changed"/> once a burst of writes has settled. Changes are detected by content, not by
/// modification time: a certificate rewritten within the same clock tick, or swapped in by a Kubernetes Secret
/// volume's <c>..data</c> symlink, still counts. Directory events make it quick; a poll makes it certain.
/// </summary>
public sealed class FileSetWatcher : IDisposable
{
    private readonly Lock _lock = new();
    private readonly TimeSpan _quietPeriod;
    private readonly ITimer _debounce;
    private readonly ITimer _poll;
    private readonly Dictionary<string, FileSystemWatcher> _directories = new(StringComparer.Ordinal);
    private string[] _files = [];
    private int _fingerprint;

    public FileSetWatcher(TimeProvider time, TimeSpan quietPeriod, TimeSpan pollInterval)
    {
        _quietPeriod = quietPeriod;
        _debounce = time.CreateTimer(_ => Fire(), null, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
        _poll = time.CreateTimer(_ => Poll(), null, pollInterval, pollInterval);
    }

    public event Action? Changed;

    /// <summary>Replaces the watched set; the files' current content becomes the baseline.</summary>
    public void Watch(IReadOnlyCollection<string> files)
    {
        lock (_lock)
        {
            var sorted = files.Order(StringComparer.Ordinal).ToArray();
            if (!sorted.SequenceEqual(_files, StringComparer.Ordinal))
            {
                _files = sorted;
                _fingerprint = Fingerprint(sorted);
                WatchDirectories(sorted);
            }
        }
    }

    public void Dispose()
    {
        lock (_lock)
        {
            foreach (var watcher in _directories.Values)
            {
                watcher.Dispose();
            }

            _directories.Clear();
        }

        _debounce.Dispose();
        _poll.Dispose();
    }

    private void WatchDirectories(string[] files)
    {
        var wanted = files.Select(Path.GetDirectoryName).OfType<string>().Where(Directory.Exists).ToHashSet(StringComparer.Ordinal);
        foreach (var directory in _directories.Keys.Where(d => !wanted.Contains(d)).ToList())
        {
            _directories[directory].Dispose();
            _directories.Remove(directory);
        }

        foreach (var directory in wanted.Where(d => !_directories.ContainsKey(d)))
        {
            try
            {
                var watcher = new FileSystemWatcher(directory)
                {
                    NotifyFilter = NotifyFilters.FileName | NotifyFilters.DirectoryName | NotifyFilters.LastWrite | NotifyFilters.Size,
                };
                watcher.Changed += (_, _) => Poke();
                watcher.Created += (_, _) => Poke();
                watcher.Deleted += (_, _) => Poke();
                watcher.Renamed += (_, _) => Poke();
                watcher.Error += (_, _) => Poke();
                watcher.EnableRaisingEvents = true;
                _directories[directory] = watcher;
            }
            catch (Exception ex) when (ex is IOException or ArgumentException or UnauthorizedAccessException)
            {
                // Out of inotify watches or not readable: the poll still notices changes.
            }
        }
    }

    private void Poke() => _debounce.Change(_quietPeriod, Timeout.InfiniteTimeSpan);

    private void Poll()
    {
        string[] files;
        int fingerprint;
        lock (_lock)
        {
            files = _files;
            fingerprint = _fingerprint;
        }

        if (files.Length > 0 && Fingerprint(files) != fingerprint)
        {
            Poke();
        }
    }

    private void Fire()
    {
        lock (_lock)
        {
            var now = Fingerprint(_files);
            if (now == _fingerprint)
            {
                return;
            }

            _fingerprint = now;
        }

        Changed?.Invoke();
    }

    private static int Fingerprint(string[] files)
    {
        var hash = new HashCode();
        foreach (var file in files)
        {
            hash.Add(file, StringComparer.Ordinal);
            try
            {
                hash.AddBytes(File.ReadAllBytes(file));
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                hash.Add(-1);
            }
        }

        return hash.ToHashCode();
    }
}
