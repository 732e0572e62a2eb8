using System.Globalization;
using System.Text.Json.Nodes;

namespace Sluice.Kubernetes.Fixture;

/// <summary>
/// The API server's storage: objects by type, namespace and name; one global resourceVersion that every write
/// increments (as etcd's revision); a bounded history of events that watches resume from; and the open watches.
/// Everything happens under one lock, so a watch registered at version N sees exactly the events after N.
/// </summary>
internal sealed class ObjectStore(int historyLimit, TimeProvider time)
{
    private readonly Lock _lock = new();
    private readonly Dictionary<(string Type, string Namespace, string Name), JsonObject> _objects = [];
    private readonly LinkedList<StoredEvent> _history = new();
    private readonly List<WatchSubscription> _watches = [];
    private long _resourceVersion = 1;
    private long _compactedThrough;

    public long ResourceVersion
    {
        get
        {
            lock (_lock)
            {
                return _resourceVersion;
            }
        }
    }

    /// <summary>Every event at or below this version is gone from the history: resuming from an older version is 410.</summary>
    public long CompactedThrough
    {
        get
        {
            lock (_lock)
            {
                return _compactedThrough;
            }
        }
    }

    /// <summary>How many watches have been established so far (each resumed watch counts).</summary>
    public int WatchesStarted { get; private set; }

    public int OpenWatches
    {
        get
        {
            lock (_lock)
            {
                return _watches.Count;
            }
        }
    }

    public (List<JsonObject> Items, long ResourceVersion) List(ApiResourceType type, string? ns, LabelSelectorMatcher labels, LabelSelectorMatcher fields)
    {
        lock (_lock)
        {
            var items = new List<JsonObject>();
            foreach (var ((typeKey, itemNamespace, _), item) in _objects)
            {
                if (typeKey == type.Key && (ns is null || itemNamespace == ns) && labels.Matches(item) && fields.Matches(item))
                {
                    items.Add((JsonObject)item.DeepClone());
                }
            }

            items.Sort((a, b) => string.CompareOrdinal(KeyOf(a), KeyOf(b)));
            return (items, _resourceVersion);
        }
    }

    public JsonObject? Get(ApiResourceType type, string ns, string name)
    {
        lock (_lock)
        {
            return _objects.TryGetValue((type.Key, ns, name), out var item) ? (JsonObject)item.DeepClone() : null;
        }
    }

    public JsonObject Create(ApiResourceType type, string ns, JsonObject item)
    {
        lock (_lock)
        {
            var metadata = Metadata(item);
            var name = metadata["name"]?.GetValue<string>();
            if (string.IsNullOrEmpty(name) && metadata["generateName"]?.GetValue<string>() is { } prefix)
            {
                name = prefix + Guid.NewGuid().ToString("N")[..5];
                metadata["name"] = name;
            }

            if (string.IsNullOrEmpty(name))
            {
                throw new ApiException(422, "Invalid", "metadata.name: Required value: name or generateName is required");
            }

            if (_objects.ContainsKey((type.Key, ns, name)))
            {
                throw new ApiException(409, "AlreadyExists", $"{type.Plural} \"{name}\" already exists");
            }

            item["apiVersion"] = type.ApiVersion;
            item["kind"] = type.Kind;
            if (type.Namespaced)
            {
                metadata["namespace"] = ns;
            }
            else
            {
                metadata.Remove("namespace");
            }

            metadata["uid"] = Guid.NewGuid().ToString();
            metadata["creationTimestamp"] = time.GetUtcNow().ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture);
            metadata["generation"] = 1L;
            if (type.HasStatus)
            {
                // Creating through the main resource ignores status, as with a status subresource.
                item.Remove("status");
            }

            return Commit(type, ns, name, item, previous: null, "ADDED");
        }
    }

    /// <summary>Replaces the object (or only its status); <paramref name="mutate"/> builds the new object from the stored one.</summary>
    public JsonObject Update(ApiResourceType type, string ns, string name, string? expectedVersion, bool statusOnly, Func<JsonObject, JsonObject> mutate)
    {
        lock (_lock)
        {
            if (!_objects.TryGetValue((type.Key, ns, name), out var stored))
            {
                throw new ApiException(404, "NotFound", $"{type.Plural} \"{name}\" not found");
            }

            var storedVersion = stored["metadata"]!["resourceVersion"]!.GetValue<string>();
            var incoming = mutate((JsonObject)stored.DeepClone());
            var requested = expectedVersion ?? incoming["metadata"]?["resourceVersion"]?.GetValue<string>();
            if (!string.IsNullOrEmpty(requested) && requested != storedVersion)
            {
                throw new ApiException(409, "Conflict",
                    $"Operation cannot be fulfilled on {type.Plural} \"{name}\": the object has been modified; please apply your changes to the latest version and try again");
            }

            JsonObject next;
            if (statusOnly)
            {
                next = (JsonObject)stored.DeepClone();
                if (incoming["status"] is { } status)
                {
                    next["status"] = status.DeepClone();
                }
                else
                {
                    next.Remove("status");
                }
            }
            else
            {
                next = incoming;
                var metadata = Metadata(next);
                var storedMetadata = (JsonObject)stored["metadata"]!;
                foreach (var fixedField in new[] { "uid", "creationTimestamp", "generation", "namespace", "name" })
                {
                    metadata[fixedField] = storedMetadata[fixedField]?.DeepClone();
                }

                next["apiVersion"] = type.ApiVersion;
                next["kind"] = type.Kind;
                if (type.HasStatus)
                {
                    next["status"] = stored["status"]?.DeepClone();
                    if (next["status"] is null)
                    {
                        next.Remove("status");
                    }
                }

                if (!JsonNode.DeepEquals(Content(stored), Content(next)))
                {
                    metadata["generation"] = (storedMetadata["generation"] is { } generation ? long.Parse(generation.ToJsonString(), CultureInfo.InvariantCulture) : 1) + 1;
                }
            }

            if (JsonNode.DeepEquals(WithoutVersion(stored), WithoutVersion(next)))
            {
                // A write that changes nothing does not bump resourceVersion nor notify watchers (the API server's no-op update).
                return (JsonObject)stored.DeepClone();
            }

            return Commit(type, ns, name, next, stored, "MODIFIED");
        }
    }

    public JsonObject Delete(ApiResourceType type, string ns, string name)
    {
        lock (_lock)
        {
            if (!_objects.TryGetValue((type.Key, ns, name), out var stored))
            {
                throw new ApiException(404, "NotFound", $"{type.Plural} \"{name}\" not found");
            }

            _objects.Remove((type.Key, ns, name));
            var version = ++_resourceVersion;
            var deleted = (JsonObject)stored.DeepClone();
            Metadata(deleted)["resourceVersion"] = version.ToString(CultureInfo.InvariantCulture);
            Record(new StoredEvent(version, type, "DELETED", deleted, stored));
            return (JsonObject)deleted.DeepClone();
        }
    }

    /// <summary>
    /// Registers a watch from <paramref name="fromVersion"/> (null: from now, after synthetic ADDED events for what
    /// exists). Returns false when the history no longer reaches back that far (410 Gone).
    /// </summary>
    public bool Subscribe(WatchSubscription watch, long? fromVersion)
    {
        lock (_lock)
        {
            if (fromVersion is { } since)
            {
                if (since < _compactedThrough)
                {
                    return false;
                }

                foreach (var stored in _history)
                {
                    if (stored.ResourceVersion > since)
                    {
                        watch.Offer(stored);
                    }
                }
            }
            else
            {
                foreach (var ((typeKey, _, _), item) in _objects)
                {
                    if (typeKey == watch.Type.Key && watch.Matches(item))
                    {
                        watch.Send("ADDED", item);
                    }
                }
            }

            _watches.Add(watch);
            WatchesStarted++;
            return true;
        }
    }

    public void Unsubscribe(WatchSubscription watch)
    {
        lock (_lock)
        {
            _watches.Remove(watch);
        }
    }

    public List<WatchSubscription> Watches()
    {
        lock (_lock)
        {
            return [.. _watches];
        }
    }

    /// <summary>Sends a BOOKMARK at the current version to every watch that asked for them.</summary>
    public void Bookmark()
    {
        lock (_lock)
        {
            foreach (var watch in _watches)
            {
                if (watch.Bookmarks)
                {
                    watch.Send("BOOKMARK", new JsonObject
                    {
                        ["kind"] = watch.Type.Kind,
                        ["apiVersion"] = watch.Type.ApiVersion,
                        ["metadata"] = new JsonObject { ["resourceVersion"] = _resourceVersion.ToString(CultureInfo.InvariantCulture) },
                    });
                }
            }
        }
    }

    /// <summary>Forgets the whole history, as etcd compaction does: every version before now is too old to resume from.</summary>
    public void Compact()
    {
        lock (_lock)
        {
            _history.Clear();
            _compactedThrough = _resourceVersion;
        }
    }

    /// <summary>Bumps the global version without touching an object (writes to kinds nobody watches do this in a real cluster).</summary>
    public void AdvanceVersion(int by)
    {
        lock (_lock)
        {
            _resourceVersion += by;
        }
    }

    private JsonObject Commit(ApiResourceType type, string ns, string name, JsonObject item, JsonObject? previous, string eventType)
    {
        var version = ++_resourceVersion;
        Metadata(item)["resourceVersion"] = version.ToString(CultureInfo.InvariantCulture);
        _objects[(type.Key, ns, name)] = item;
        Record(new StoredEvent(version, type, eventType, (JsonObject)item.DeepClone(), previous));
        return (JsonObject)item.DeepClone();
    }

    private void Record(StoredEvent stored)
    {
        _history.AddLast(stored);
        while (_history.Count > historyLimit)
        {
            _compactedThrough = _history.First!.Value.ResourceVersion;
            _history.RemoveFirst();
        }

        foreach (var watch in _watches)
        {
            watch.Offer(stored);
        }
    }

    private static JsonObject Metadata(JsonObject item)
    {
        if (item["metadata"] is not JsonObject metadata)
        {
            metadata = [];
            item["metadata"] = metadata;
        }

        return metadata;
    }

    /// <summary>What counts for <c>metadata.generation</c>: everything but metadata and status.</summary>
    private static JsonObject Content(JsonObject item)
    {
        var copy = (JsonObject)item.DeepClone();
        copy.Remove("metadata");
        copy.Remove("status");
        return copy;
    }

    private static JsonObject WithoutVersion(JsonObject item)
    {
        var copy = (JsonObject)item.DeepClone();
        if (copy["metadata"] is JsonObject metadata)
        {
            metadata.Remove("resourceVersion");
        }

        return copy;
    }

    private static string KeyOf(JsonObject item) =>
        $"{item["metadata"]?["namespace"]?.GetValue<string>()}/{item["metadata"]?["name"]?.GetValue<string>()}";
}

/// <summary>An API error answered as a Kubernetes <c>Status</c> object.</summary>
internal sealed class ApiException(int code, string reason, string message) : Exception(message)
{
    public int Code { get; } = code;

    public string Reason { get; } = reason;
}
