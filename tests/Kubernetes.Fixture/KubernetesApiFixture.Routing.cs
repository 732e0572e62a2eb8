using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;

namespace Sluice.Kubernetes.Fixture;

/// <summary>The REST surface: <c>/api/v1/...</c> and <c>/apis/GROUP/VERSION/...</c>, namespaced and cluster-wide.</summary>
public sealed partial class KubernetesApiFixture
{
    private async Task RouteAsync(HttpContext context, RecordedRequest request)
    {
        var segments = request.Path.Split('/', StringSplitOptions.RemoveEmptyEntries);
        if (segments.Length == 1 && segments[0] == "version")
        {
            await WriteJsonAsync(context, new JsonObject { ["major"] = "1", ["minor"] = "33", ["gitVersion"] = "v1.33.0-sluice-fixture" });
            return;
        }

        string group, version;
        int rest;
        if (segments.Length >= 3 && segments[0] == "api")
        {
            (group, version, rest) = (string.Empty, segments[1], 2);
        }
        else if (segments.Length >= 4 && segments[0] == "apis")
        {
            (group, version, rest) = (segments[1], segments[2], 3);
        }
        else
        {
            throw new ApiException(404, "NotFound", "the server could not find the requested resource");
        }

        var tail = segments[rest..];
        string? ns = null;
        string plural;
        string? name = null;
        string? subresource = null;
        if (tail.Length >= 3 && tail[0] == "namespaces" && !(tail.Length == 3 && tail[2] == "status"))
        {
            ns = tail[1];
            plural = tail[2];
            name = tail.Length > 3 ? tail[3] : null;
            subresource = tail.Length > 4 ? tail[4] : null;
        }
        else
        {
            plural = tail[0];
            name = tail.Length > 1 ? tail[1] : null;
            subresource = tail.Length > 2 ? tail[2] : null;
        }

        if (!_types.TryGetValue($"{group}/{version}/{plural}", out var type))
        {
            throw new ApiException(404, "NotFound", $"the server could not find the requested resource ({group}/{version}/{plural})");
        }

        if (subresource is not null && (subresource != "status" || !type.HasStatus))
        {
            throw new ApiException(404, "NotFound", $"{type.Plural} has no subresource '{subresource}'");
        }

        if (type.Namespaced && name is not null && ns is null)
        {
            throw new ApiException(404, "NotFound", $"{type.Plural} is namespaced: use /namespaces/NAMESPACE/{type.Plural}/{name}");
        }

        var storeNamespace = type.Namespaced ? ns ?? string.Empty : string.Empty;
        var query = context.Request.Query;
        switch (context.Request.Method)
        {
            case "GET" when name is null && (query["watch"] == "true" || query["watch"] == "1"):
                await WatchAsync(context, type, ns);
                return;
            case "GET" when name is null:
                await ListAsync(context, type, ns);
                return;
            case "GET":
                await WriteJsonAsync(context, _store.Get(type, storeNamespace, name)
                    ?? throw new ApiException(404, "NotFound", $"{type.Plural} \"{name}\" not found"));
                return;
            case "POST" when name is null:
                var created = await ReadBodyAsync(context);
                if (type.Namespaced && ns is null)
                {
                    throw new ApiException(405, "MethodNotAllowed", "create a namespaced object under /namespaces/NAMESPACE/");
                }

                context.Response.StatusCode = 201;
                await WriteJsonAsync(context, _store.Create(type, storeNamespace, created));
                return;
            case "PUT" when name is not null:
                var replacement = await ReadBodyAsync(context);
                if (replacement["metadata"]?["name"]?.GetValue<string>() is { } bodyName && bodyName != name)
                {
                    throw new ApiException(400, "BadRequest", $"the name of the object ({bodyName}) does not match the name on the URL ({name})");
                }

                await WriteJsonAsync(context, _store.Update(type, storeNamespace, name, null, subresource == "status", _ => replacement));
                return;
            case "PATCH" when name is not null:
                var contentType = context.Request.ContentType ?? string.Empty;
                if (!contentType.StartsWith("application/merge-patch+json", StringComparison.Ordinal)
                    && !contentType.StartsWith("application/strategic-merge-patch+json", StringComparison.Ordinal))
                {
                    throw new ApiException(415, "UnsupportedMediaType", $"the fixture supports merge and strategic-merge patches, not '{contentType}'");
                }

                var patch = await ReadBodyAsync(context);
                var expected = patch["metadata"]?["resourceVersion"]?.GetValue<string>();
                await WriteJsonAsync(context, _store.Update(type, storeNamespace, name, expected, subresource == "status",
                    stored => (JsonObject)JsonMergePatch.Apply(stored, patch)!));
                return;
            case "DELETE" when name is not null:
                await WriteJsonAsync(context, _store.Delete(type, storeNamespace, name));
                return;
            default:
                throw new ApiException(405, "MethodNotAllowed", $"{context.Request.Method} is not allowed on {request.Path}");
        }
    }

    private async Task ListAsync(HttpContext context, ApiResourceType type, string? ns)
    {
        var query = context.Request.Query;
        var (items, version) = _store.List(type, ns, LabelSelectorMatcher.Labels(query["labelSelector"]), LabelSelectorMatcher.Fields(query["fieldSelector"]));
        var offset = 0;
        if (query["continue"].ToString() is { Length: > 0 } token)
        {
            // The token carries the version of the first page; once compacted the list cannot continue consistently.
            var parts = Encoding.UTF8.GetString(Convert.FromBase64String(token)).Split(':');
            var listVersion = long.Parse(parts[0], CultureInfo.InvariantCulture);
            if (listVersion < _store.CompactedThrough)
            {
                throw new ApiException(410, "Expired", "The provided continue parameter is too old to display a consistent list result. You can start a new list without the continue parameter.");
            }

            offset = int.Parse(parts[1], CultureInfo.InvariantCulture);
            version = listVersion;
        }
        else if (long.TryParse(query["resourceVersion"], CultureInfo.InvariantCulture, out var asked) && asked > 0
            && query["resourceVersionMatch"] == "Exact" && asked < _store.CompactedThrough)
        {
            throw new ApiException(410, "Expired", $"too old resource version: {asked}");
        }

        var limit = int.TryParse(query["limit"], CultureInfo.InvariantCulture, out var given) && given > 0 ? given : int.MaxValue;
        var page = items.Skip(offset).Take(limit).ToList();
        var metadata = new JsonObject { ["resourceVersion"] = version.ToString(CultureInfo.InvariantCulture) };
        if (offset + page.Count < items.Count)
        {
            metadata["continue"] = Convert.ToBase64String(Encoding.UTF8.GetBytes($"{version}:{offset + page.Count}"));
            metadata["remainingItemCount"] = items.Count - offset - page.Count;
        }

        var array = new JsonArray();
        foreach (var item in page)
        {
            array.Add(item);
        }

        await WriteJsonAsync(context, new JsonObject
        {
            ["kind"] = type.Kind + "List",
            ["apiVersion"] = type.ApiVersion,
            ["metadata"] = metadata,
            ["items"] = array,
        });
    }

    private async Task WatchAsync(HttpContext context, ApiResourceType type, string? ns)
    {
        var query = context.Request.Query;
        long? from = long.TryParse(query["resourceVersion"], CultureInfo.InvariantCulture, out var asked) && asked > 0 ? asked : null;
        var watch = new WatchSubscription(type, ns, LabelSelectorMatcher.Labels(query["labelSelector"]),
            LabelSelectorMatcher.Fields(query["fieldSelector"]), query["allowWatchBookmarks"] == "true" || query["allowWatchBookmarks"] == "1");
        context.Response.StatusCode = 200;
        context.Response.ContentType = "application/json";
        var storm = Interlocked.Decrement(ref _goneWatchesLeft) >= 0;
        if (storm || !_store.Subscribe(watch, from))
        {
            // The API server answers an expired watch with 200 and a single ERROR event carrying a 410 Status.
            await context.Response.WriteAsync(GoneEvent(from ?? 0) + "\n", context.RequestAborted);
            return;
        }

        using var timeout = int.TryParse(query["timeoutSeconds"], CultureInfo.InvariantCulture, out var seconds) && seconds > 0
            ? new CancellationTokenSource(TimeSpan.FromSeconds(seconds))
            : new CancellationTokenSource();
        using var ended = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted, watch.Dropped.Token, timeout.Token);
        try
        {
            await context.Response.StartAsync(context.RequestAborted);
            await context.Response.Body.FlushAsync(context.RequestAborted);
            while (await watch.Lines.WaitToReadAsync(ended.Token))
            {
                while (watch.Lines.TryRead(out var line))
                {
                    await context.Response.WriteAsync(line + "\n", ended.Token);
                }

                await context.Response.Body.FlushAsync(ended.Token);
            }
        }
        catch (OperationCanceledException)
        {
            // Timeout, a dropped watch or a client that went away: the stream simply ends.
        }
        finally
        {
            _store.Unsubscribe(watch);
        }
    }

    private static async Task<JsonObject> ReadBodyAsync(HttpContext context)
    {
        var node = await JsonNode.ParseAsync(context.Request.Body, cancellationToken: context.RequestAborted);
        return node as JsonObject ?? throw new ApiException(400, "BadRequest", "the body must be a JSON object");
    }
}
