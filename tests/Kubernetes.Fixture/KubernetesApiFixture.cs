using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using k8s;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Sluice.Kubernetes.Fixture;

/// <summary>
/// An in-process Kubernetes API server on 127.0.0.1 that the real KubernetesClient talks to over HTTP. It keeps the
/// semantics an informer depends on: one global resourceVersion, list and watch (ADDED, MODIFIED, DELETED, BOOKMARK,
/// ERROR), 410 Gone from a bounded history, timeoutSeconds, label and field selectors, 409 on stale writes, merge
/// patches, the status subresource and generation. It also breaks on demand: dropped watches, 410 storms, slow
/// responses, 500s, and an API server that stops accepting connections.
/// </summary>
public sealed partial class KubernetesApiFixture : IAsyncDisposable
{
    private readonly ObjectStore _store;
    private readonly ConcurrentDictionary<string, ApiResourceType> _types = new(StringComparer.Ordinal);
    private readonly ConcurrentQueue<RecordedRequest> _requests = new();
    private readonly Timer _bookmarks;
    private WebApplication? _app;
    private int _failuresLeft;
    private int _failureStatus = 500;
    private Func<RecordedRequest, bool>? _failureFilter;
    private int _goneWatchesLeft;

    private KubernetesApiFixture(int historyLimit, TimeSpan bookmarkInterval)
    {
        _store = new ObjectStore(historyLimit, TimeProvider.System);
        foreach (var type in ApiResourceType.BuiltIn)
        {
            _types[type.Key] = type;
        }

        _bookmarks = new Timer(_ => _store.Bookmark(), null, bookmarkInterval, bookmarkInterval);
    }

    public int Port { get; private set; }

    public Uri Url => new($"http://127.0.0.1:{Port}");

    /// <summary>The current global resourceVersion.</summary>
    public long ResourceVersion => _store.ResourceVersion;

    public int OpenWatches => _store.OpenWatches;

    /// <summary>How many watches have been established so far; a resumed watch counts again.</summary>
    public int WatchesStarted => _store.WatchesStarted;

    /// <summary>Every request served (or refused by an injected fault), in order.</summary>
    public IReadOnlyCollection<RecordedRequest> Requests => _requests;

    /// <summary>Added to every response before it starts (a slow API server).</summary>
    public TimeSpan ResponseDelay { get; set; }

    /// <summary>Starts on a free loopback port. <paramref name="historyLimit"/> bounds the events a watch can resume from.</summary>
    public static async Task<KubernetesApiFixture> StartAsync(int historyLimit = 1000, TimeSpan? bookmarkInterval = null)
    {
        var fixture = new KubernetesApiFixture(historyLimit, bookmarkInterval ?? TimeSpan.FromSeconds(1));
        await fixture.StartServerAsync(0);
        return fixture;
    }

    public KubernetesClientConfiguration ClientConfiguration => new() { Host = Url.ToString() };

    public k8s.Kubernetes CreateClient() => new(ClientConfiguration);

    /// <summary>Serves a custom resource kind (CRD) with a status subresource.</summary>
    public ApiResourceType RegisterCustomResource(string group, string version, string plural, string kind, bool namespaced = true)
    {
        var type = new ApiResourceType(group, version, plural, kind, namespaced, HasStatus: true);
        _types[type.Key] = type;
        return type;
    }

    // ---- direct access for test set-up (the same code paths as HTTP, without a client) ----

    public JsonObject Create(string apiVersion, string plural, JsonObject item)
    {
        var type = TypeOf(apiVersion, plural);
        return _store.Create(type, NamespaceOf(type, item), item);
    }

    public JsonObject? Get(string apiVersion, string plural, string? ns, string name) =>
        _store.Get(TypeOf(apiVersion, plural), ns ?? string.Empty, name);

    /// <summary>Creates or replaces (ignoring the version), like <c>kubectl apply</c>.</summary>
    public JsonObject Apply(string apiVersion, string plural, JsonObject item)
    {
        var type = TypeOf(apiVersion, plural);
        var ns = NamespaceOf(type, item);
        var name = item["metadata"]!["name"]!.GetValue<string>();
        if (_store.Get(type, ns, name) is null)
        {
            return _store.Create(type, ns, item);
        }

        return _store.Update(type, ns, name, null, statusOnly: false, stored =>
        {
            var next = (JsonObject)item.DeepClone();
            if (next["metadata"] is JsonObject metadata)
            {
                metadata.Remove("resourceVersion");
            }

            return next;
        });
    }

    public JsonObject UpdateStatus(string apiVersion, string plural, string? ns, string name, JsonNode status) =>
        _store.Update(TypeOf(apiVersion, plural), ns ?? string.Empty, name, null, statusOnly: true, stored =>
        {
            stored["status"] = status.DeepClone();
            return stored;
        });

    public JsonObject Delete(string apiVersion, string plural, string? ns, string name) =>
        _store.Delete(TypeOf(apiVersion, plural), ns ?? string.Empty, name);

    // ---- faults ----

    /// <summary>Ends every open watch stream now, cleanly (the client sees the stream close).</summary>
    public void DropWatches()
    {
        foreach (var watch in _store.Watches())
        {
            watch.Dropped.Cancel();
        }
    }

    /// <summary>Sends BOOKMARK events now to the watches that asked for them.</summary>
    public void SendBookmarks() => _store.Bookmark();

    /// <summary>
    /// Compacts the history (every earlier version becomes too old) and ends every open watch with an ERROR 410
    /// event: the clients must relist. The next <paramref name="rejectNextWatches"/> watch requests also get 410
    /// whatever version they ask for (a 410 storm).
    /// </summary>
    public void ExpireHistory(int rejectNextWatches = 0)
    {
        _store.Compact();
        Interlocked.Exchange(ref _goneWatchesLeft, rejectNextWatches);
        foreach (var watch in _store.Watches())
        {
            watch.SendRaw(GoneEvent(0));
            watch.Complete();
        }
    }

    /// <summary>Moves the global version forward without changing anything this test watches.</summary>
    public void AdvanceResourceVersion(int by) => _store.AdvanceVersion(by);

    /// <summary>The next <paramref name="count"/> requests matching <paramref name="filter"/> (all by default) fail with <paramref name="status"/>.</summary>
    public void FailNextRequests(int count, int status = 500, Func<RecordedRequest, bool>? filter = null)
    {
        _failureStatus = status;
        _failureFilter = filter;
        Interlocked.Exchange(ref _failuresLeft, count);
    }

    /// <summary>Stops listening (connections refused) and drops every connection; the data stays.</summary>
    public async Task StopAcceptingAsync()
    {
        DropWatches();
        if (_app is not null)
        {
            await _app.StopAsync();
            await _app.DisposeAsync();
            _app = null;
        }
    }

    /// <summary>Listens again on the same port.</summary>
    public Task ResumeAcceptingAsync() => StartServerAsync(Port);

    public async ValueTask DisposeAsync()
    {
        await _bookmarks.DisposeAsync();
        await StopAcceptingAsync();
    }

    private async Task StartServerAsync(int port)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = TimeSpan.FromSeconds(2));
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, port));
        var app = builder.Build();
        app.Run(HandleAsync);
        await app.StartAsync();
        Port = new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First()).Port;
        _app = app;
    }

    private async Task HandleAsync(HttpContext context)
    {
        var request = new RecordedRequest(context.Request.Method, context.Request.Path.Value ?? "/", context.Request.QueryString.Value ?? string.Empty);
        _requests.Enqueue(request);
        if (ResponseDelay > TimeSpan.Zero)
        {
            await Task.Delay(ResponseDelay, context.RequestAborted);
        }

        if (ShouldFail(request))
        {
            await WriteStatusAsync(context, new ApiException(_failureStatus, "InternalError", "injected failure"));
            return;
        }

        try
        {
            await RouteAsync(context, request);
        }
        catch (ApiException error)
        {
            await WriteStatusAsync(context, error);
        }
        catch (FormatException error)
        {
            await WriteStatusAsync(context, new ApiException(400, "BadRequest", error.Message));
        }
        catch (System.Text.Json.JsonException error)
        {
            await WriteStatusAsync(context, new ApiException(400, "BadRequest", error.Message));
        }
        catch (Exception error) when (error is not OperationCanceledException)
        {
            // A fixture bug must be visible in the failing test, not a bare 500.
            await WriteStatusAsync(context, new ApiException(500, "InternalError", "fixture error: " + error));
        }
    }

    private bool ShouldFail(RecordedRequest request)
    {
        while (true)
        {
            var left = Volatile.Read(ref _failuresLeft);
            if (left <= 0 || (_failureFilter is { } filter && !filter(request)))
            {
                return false;
            }

            if (Interlocked.CompareExchange(ref _failuresLeft, left - 1, left) == left)
            {
                return true;
            }
        }
    }

    private ApiResourceType TypeOf(string apiVersion, string plural)
    {
        var slash = apiVersion.IndexOf('/', StringComparison.Ordinal);
        var key = slash < 0 ? $"/{apiVersion}/{plural}" : $"{apiVersion}/{plural}";
        return _types.TryGetValue(key, out var type) ? type : throw new ApiException(404, "NotFound", $"the server could not find the requested resource {key}");
    }

    private static string NamespaceOf(ApiResourceType type, JsonObject item) =>
        type.Namespaced ? item["metadata"]?["namespace"]?.GetValue<string>() ?? "default" : string.Empty;

    private static string GoneEvent(long version) => new JsonObject
    {
        ["type"] = "ERROR",
        ["object"] = StatusObject(new ApiException(410, "Expired", version > 0
            ? $"too old resource version: {version.ToString(CultureInfo.InvariantCulture)}"
            : "too old resource version")),
    }.ToJsonString();

    private static JsonObject StatusObject(ApiException error) => new()
    {
        ["kind"] = "Status",
        ["apiVersion"] = "v1",
        ["metadata"] = new JsonObject(),
        ["status"] = "Failure",
        ["message"] = error.Message,
        ["reason"] = error.Reason,
        ["code"] = error.Code,
    };

    private static async Task WriteStatusAsync(HttpContext context, ApiException error)
    {
        if (context.Response.HasStarted)
        {
            return;
        }

        context.Response.StatusCode = error.Code;
        await WriteJsonAsync(context, StatusObject(error));
    }

    private static async Task WriteJsonAsync(HttpContext context, JsonNode body)
    {
        context.Response.ContentType = "application/json";
        await context.Response.WriteAsync(body.ToJsonString(), Encoding.UTF8, context.RequestAborted);
    }
}

/// <summary>One request the fixture received.</summary>
public sealed record RecordedRequest(string Method, string Path, string Query)
{
    public bool IsWrite => Method is "POST" or "PUT" or "PATCH" or "DELETE";

    public bool IsWatch => Query.Contains("watch=true", StringComparison.Ordinal) || Query.Contains("watch=1", StringComparison.Ordinal);
}
