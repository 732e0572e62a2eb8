using System.Collections.Concurrent;

namespace Sluice.Filters;

/// <summary>
/// Runtime state that outlives a reload: rate-limit buckets, JWKS caches. A filter compiled from an unchanged
/// config asks for the same key and gets the same instance back, so a reload neither refills a bucket nor refetches
/// keys. After each translation, entries no compiled filter asked for are dropped (and disposed), so state of
/// removed or changed config does not accumulate. Translations are serialized by the config store.
/// </summary>
public sealed class FilterStateStore : IDisposable
{
    private readonly ConcurrentDictionary<string, Entry> _entries = new(StringComparer.Ordinal);
    private long _generation;

    public int Count => _entries.Count;

    public T GetOrAdd<T>(string key, Func<T> create)
        where T : class
    {
        var generation = Volatile.Read(ref _generation);
        var entry = _entries.GetOrAdd(key, static (_, state) => new Entry(state.create()), (create, generation));
        entry.Generation = generation;
        if (entry.Value is T typed)
        {
            return typed;
        }

        // The same key used for another type is a programming error; replace rather than fail the reload.
        var replacement = new Entry(create()) { Generation = generation };
        _entries[key] = replacement;
        (entry.Value as IDisposable)?.Dispose();
        return (T)replacement.Value;
    }

    /// <summary>Starts a translation: what it asks for is marked as used.</summary>
    public void BeginGeneration() => Interlocked.Increment(ref _generation);

    /// <summary>Ends a translation: drops what it did not ask for.</summary>
    public void EndGeneration()
    {
        var generation = Volatile.Read(ref _generation);
        foreach (var (key, entry) in _entries)
        {
            if (entry.Generation != generation && _entries.TryRemove(key, out var removed))
            {
                (removed.Value as IDisposable)?.Dispose();
            }
        }
    }

    public void Dispose()
    {
        foreach (var key in _entries.Keys)
        {
            if (_entries.TryRemove(key, out var removed))
            {
                (removed.Value as IDisposable)?.Dispose();
            }
        }
    }

    private sealed class Entry(object value)
    {
        public object Value { get; } = value;

        public long Generation { get; set; }
    }
}
