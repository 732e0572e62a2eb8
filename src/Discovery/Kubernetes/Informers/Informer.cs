using System.Net;
using k8s;
using k8s.Autorest;
using k8s.Models;
using Microsoft.Extensions.Logging;

namespace Sluice.Discovery.Kubernetes.Informers;

/// <summary>
/// A list-then-watch informer with a local cache, as client-go's reflector: list (in pages), then watch from the
/// list's resourceVersion; resume every watch from the last version seen (events and bookmarks advance it); when
/// the version is too old (410 Gone, which arrives as an ERROR event) relist and diff the result against the cache,
/// so consumers see the real changes and never an empty intermediate state; back off with jitter on API errors. The
/// cache keeps serving while the API server is unreachable.
/// </summary>
public sealed partial class Informer<T> : IInformerHealth
    where T : IKubernetesObject<V1ObjectMeta>
{
    private readonly IListWatchClient<T> _client;
    private readonly InformerOptions _options;
    private readonly TimeProvider _time;
    private readonly Random _random;
    private readonly ILogger _logger;
    private readonly Lock _cacheLock = new();
    private readonly Dictionary<string, T> _cache = new(StringComparer.Ordinal);
    private readonly TaskCompletionSource _synced = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private string _resourceVersion = string.Empty;
    private long _lastContact;
    private int _relists;
    private int _watchRestarts;
    private volatile bool _watching;

    public Informer(IListWatchClient<T> client, InformerOptions options, TimeProvider time, Random random, ILogger logger)
    {
        _client = client;
        _options = options;
        _time = time;
        _random = random;
        _logger = logger;
    }

    /// <summary>Raised on the informer's loop, in order, for every change applied to the cache.</summary>
    public event Action<InformerEvent<T>>? Changed;

    public string Resource => _client.Resource;

    public bool HasSynced => _synced.Task.IsCompleted;

    public Task Synced => _synced.Task;

    public bool IsWatching => _watching;

    /// <summary>The version the next watch resumes from.</summary>
    public string ResourceVersion => Volatile.Read(ref _resourceVersion);

    public int Relists => Volatile.Read(ref _relists);

    public int WatchRestarts => Volatile.Read(ref _watchRestarts);

    public DateTimeOffset? LastContact => Interlocked.Read(ref _lastContact) is var ticks and > 0 ? new DateTimeOffset(ticks, TimeSpan.Zero) : null;

    public IReadOnlyList<T> Items
    {
        get
        {
            lock (_cacheLock)
            {
                return [.. _cache.Values];
            }
        }
    }

    public bool TryGet(string? ns, string name, out T item)
    {
        lock (_cacheLock)
        {
            return _cache.TryGetValue(Key(ns, name), out item!);
        }
    }

    /// <summary>Runs until cancelled; never throws for API trouble.</summary>
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        var needList = true;
        var failures = 0;
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                if (needList)
                {
                    await RelistAsync(cancellationToken).ConfigureAwait(false);
                    needList = false;
                    failures = 0;
                }

                var outcome = await WatchOnceAsync(cancellationToken).ConfigureAwait(false);
                Interlocked.Increment(ref _watchRestarts);
                switch (outcome)
                {
                    case WatchOutcome.Gone:
                        LogGone(Resource, ResourceVersion);
                        needList = true;
                        break;
                    case WatchOutcome.Failed:
                        failures++;
                        await BackOffAsync(failures, cancellationToken).ConfigureAwait(false);
                        break;
                    default:
                        // The server ended the stream (timeoutSeconds, a restart, a proxy): resume where we were.
                        failures = 0;
                        break;
                }
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                break;
            }
            catch (HttpOperationException ex) when (ex.Response?.StatusCode == HttpStatusCode.Gone)
            {
                // A list continuation or a watch request refused as too old: start over with a fresh list.
                LogGone(Resource, ResourceVersion);
                needList = true;
                failures++;
                await BackOffAsync(failures, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is not OutOfMemoryException)
            {
                _watching = false;
                failures++;
                LogApiError(Resource, ex.Message);
                await BackOffAsync(failures, cancellationToken).ConfigureAwait(false);
            }
        }

        _watching = false;
    }

    private async Task RelistAsync(CancellationToken cancellationToken)
    {
        var listed = new Dictionary<string, T>(StringComparer.Ordinal);
        string? continueToken = null;
        string version;
        do
        {
            var page = await _client.ListAsync(continueToken, _options.PageSize, cancellationToken).ConfigureAwait(false);
            foreach (var item in page.Items)
            {
                listed[Key(item.Metadata.NamespaceProperty, item.Metadata.Name)] = item;
            }

            version = page.ResourceVersion;
            continueToken = string.IsNullOrEmpty(page.Continue) ? null : page.Continue;
        }
        while (continueToken is not null);

        // Diff against the cache instead of clearing it: consumers see only what really changed while we were away.
        var changes = new List<InformerEvent<T>>();
        lock (_cacheLock)
        {
            foreach (var (key, item) in listed)
            {
                if (!_cache.TryGetValue(key, out var cached))
                {
                    changes.Add(new InformerEvent<T>(InformerEventType.Added, item, default));
                }
                else if (cached.Metadata.ResourceVersion != item.Metadata.ResourceVersion)
                {
                    changes.Add(new InformerEvent<T>(InformerEventType.Modified, item, cached));
                }
            }

            foreach (var (key, cached) in _cache)
            {
                if (!listed.ContainsKey(key))
                {
                    changes.Add(new InformerEvent<T>(InformerEventType.Deleted, cached, cached));
                }
            }

            _cache.Clear();
            foreach (var (key, item) in listed)
            {
                _cache[key] = item;
            }
        }

        Volatile.Write(ref _resourceVersion, version);
        Interlocked.Increment(ref _relists);
        Touch();
        LogListed(Resource, listed.Count, version, changes.Count);
        foreach (var change in changes)
        {
            Changed?.Invoke(change);
        }

        _synced.TrySetResult();
    }

    private async Task<WatchOutcome> WatchOnceAsync(CancellationToken cancellationToken)
    {
        var gone = false;
        Exception? error = null;

        // Always pass onError: an ERROR event (410 Gone above all) is reported only there; without it the stream
        // would look like a normal close and the informer would resume forever from a version that no longer exists.
        void OnError(Exception ex)
        {
            if (ex is KubernetesException { Status.Code: (int)HttpStatusCode.Gone })
            {
                gone = true;
            }
            else
            {
                error = ex;
            }
        }

        var timeout = (int)(_options.WatchTimeout.TotalSeconds * (1 + _random.NextDouble()));
        _watching = true;
        try
        {
            await foreach (var (type, item) in _client.WatchAsync(ResourceVersion, Math.Max(1, timeout), OnError, cancellationToken).ConfigureAwait(false))
            {
                Touch();
                if (item?.Metadata is null)
                {
                    continue;
                }

                if (type == WatchEventType.Bookmark)
                {
                    Volatile.Write(ref _resourceVersion, item.Metadata.ResourceVersion);
                    continue;
                }

                Apply(type, item);
            }
        }
        finally
        {
            _watching = false;
        }

        if (gone)
        {
            return WatchOutcome.Gone;
        }

        if (error is not null)
        {
            LogWatchError(Resource, error.Message);
            return WatchOutcome.Failed;
        }

        return WatchOutcome.Closed;
    }

    private void Apply(WatchEventType type, T item)
    {
        var key = Key(item.Metadata.NamespaceProperty, item.Metadata.Name);
        InformerEvent<T>? change = null;
        lock (_cacheLock)
        {
            _cache.TryGetValue(key, out var cached);
            switch (type)
            {
                case WatchEventType.Added or WatchEventType.Modified:
                    // A replay of a version we already hold (a resumed watch overlapping a relist) is not a change.
                    if (cached is null || cached.Metadata.ResourceVersion != item.Metadata.ResourceVersion)
                    {
                        _cache[key] = item;
                        change = new InformerEvent<T>(cached is null ? InformerEventType.Added : InformerEventType.Modified, item, cached);
                    }

                    break;
                case WatchEventType.Deleted:
                    if (cached is not null)
                    {
                        _cache.Remove(key);
                        change = new InformerEvent<T>(InformerEventType.Deleted, item, cached);
                    }

                    break;
            }
        }

        Volatile.Write(ref _resourceVersion, item.Metadata.ResourceVersion);
        if (change is { } applied)
        {
            Changed?.Invoke(applied);
        }
    }

    /// <summary>Exponential backoff with full jitter, so that replicas do not hammer a recovering API server in step.</summary>
    private Task BackOffAsync(int failures, CancellationToken cancellationToken)
    {
        var ceiling = Math.Min(_options.MaxBackoff.TotalMilliseconds, _options.InitialBackoff.TotalMilliseconds * Math.Pow(2, Math.Min(failures - 1, 20)));
        var delay = TimeSpan.FromMilliseconds((ceiling / 2) + (_random.NextDouble() * ceiling / 2));
        return Task.Delay(delay, _time, cancellationToken);
    }

    private void Touch() => Interlocked.Exchange(ref _lastContact, _time.GetUtcNow().UtcTicks);

    private static string Key(string? ns, string name) => $"{ns}/{name}";

    private enum WatchOutcome
    {
        Closed,
        Gone,
        Failed,
    }

    [LoggerMessage(EventId = 100, Level = LogLevel.Debug, Message = "Listed {Resource}: {Count} objects at resourceVersion {Version}, {Changes} changes against the cache")]
    private partial void LogListed(string resource, int count, string version, int changes);

    [LoggerMessage(EventId = 101, Level = LogLevel.Information, Message = "Watch of {Resource} from resourceVersion {Version} expired (410 Gone); relisting")]
    private partial void LogGone(string resource, string version);

    [LoggerMessage(EventId = 102, Level = LogLevel.Warning, Message = "Watch of {Resource} failed: {Reason}; retrying")]
    private partial void LogWatchError(string resource, string reason);

    [LoggerMessage(EventId = 103, Level = LogLevel.Warning, Message = "Kubernetes API error on {Resource}: {Reason}; backing off, serving the cached state")]
    private partial void LogApiError(string resource, string reason);
}
