namespace Sluice.Discovery.Files;

/// <summary>
/// Raises <see cref="Changed"/> once a burst of file events has settled. Editors save by writing a temp file and
/// renaming it, tools write in several steps; reacting to each event would load half-written files. A slow poll
/// of the files' fingerprint backs up inotify, which misses events on some file systems and under overflow.
/// </summary>
public sealed class ConfigDirectoryWatcher : IDisposable
{
    /// <summary>How long a file that just became empty may stay so before the reload takes it as deliberately emptied.</summary>
    private static readonly TimeSpan EmptiedFileGrace = TimeSpan.FromMilliseconds(500);

    private readonly ConfigFileScanner _scanner;
    private readonly TimeSpan _quietPeriod;
    private readonly List<FileSystemWatcher> _watchers = [];
    private readonly ITimer _debounce;
    private readonly ITimer _poll;
    private string _fingerprint;

    public ConfigDirectoryWatcher(ConfigFileScanner scanner, TimeProvider time, TimeSpan quietPeriod, TimeSpan pollInterval)
    {
        _scanner = scanner;
        _quietPeriod = quietPeriod;
        _fingerprint = scanner.Fingerprint();
        _debounce = time.CreateTimer(_ => Fire(), null, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
        _poll = time.CreateTimer(_ => Poll(), null, pollInterval, pollInterval);
        foreach (var path in scanner.Paths)
        {
            var directory = Directory.Exists(path) ? path : Path.GetDirectoryName(path);
            if (directory is null || !Directory.Exists(directory))
            {
                continue;
            }

            var watcher = new FileSystemWatcher(directory)
            {
                IncludeSubdirectories = true,
                NotifyFilter = NotifyFilters.FileName | NotifyFilters.DirectoryName | NotifyFilters.LastWrite | NotifyFilters.Size,
                InternalBufferSize = 64 * 1024,
            };
            watcher.Changed += (_, _) => Poke();
            watcher.Created += (_, _) => Poke();
            watcher.Deleted += (_, _) => Poke();
            watcher.Renamed += (_, _) => Poke();
            watcher.Error += (_, _) => Poke();
            watcher.EnableRaisingEvents = true;
            _watchers.Add(watcher);
        }
    }

    public event Action? Changed;

    public void Dispose()
    {
        foreach (var watcher in _watchers)
        {
            watcher.Dispose();
        }

        _debounce.Dispose();
        _poll.Dispose();
    }

    private void Poke() => _debounce.Change(_quietPeriod, Timeout.InfiniteTimeSpan);

    private void Poll()
    {
        if (_scanner.Fingerprint() != Volatile.Read(ref _fingerprint))
        {
            Poke();
        }
    }

    private void Fire()
    {
        // Saving in place truncates, then writes. A writer that stalls between the two for longer than the quiet period
        // would have this reload read the file empty and drop every resource it defines until the next reload.
        // File times are the file system's wall clock, so they are compared with it, not with the injected time.
        // Any file touched within the quiet period may still be mid-write, whatever its size.
        var now = DateTime.UtcNow;
        if (_scanner.HasJustBeenEmptied(now, EmptiedFileGrace) || _scanner.AnyModifiedWithin(_quietPeriod, now))
        {
            Poke();
            return;
        }

        Volatile.Write(ref _fingerprint, _scanner.Fingerprint());
        Changed?.Invoke();
    }
}
