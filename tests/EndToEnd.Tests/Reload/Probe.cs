using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using Sluice.EndToEnd.Tests.Harness;

namespace Sluice.EndToEnd.Tests.Reload;

/// <summary>
/// Requests through the gateway and waits for behaviour to change. Reload tests measure from the file write to the
/// first correct response, so the bound they assert is the one users see, not the internal version counter.
/// </summary>
public static class Probe
{
    /// <summary>The reload promise is "under a second"; asserted loosely so a loaded CI machine does not flake.</summary>
    public static readonly TimeSpan ReloadBound = TimeSpan.FromSeconds(3);

    public static HttpRequestMessage Get(string host, string path)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Host = host;
        return request;
    }

    /// <summary>Status and, for a forwarded request, which echo backend answered (null otherwise).</summary>
    public static async Task<(HttpStatusCode Status, string? Backend)> SendAsync(HttpClient client, string host, string path)
    {
        using var request = Get(host, path);
        using var response = await client.SendAsync(request);
        string? backend = null;
        if (response.IsSuccessStatusCode && response.Content.Headers.ContentType?.MediaType == "application/json")
        {
            backend = (await response.Content.ReadFromJsonAsync<EchoResponse>(EchoResponse.JsonOptions))?.Backend;
        }
        else
        {
            await response.Content.ReadAsByteArrayAsync();
        }

        return (response.StatusCode, backend);
    }

    public static async Task<(HttpStatusCode Status, string Body)> GetTextAsync(HttpClient client, string host, string path)
    {
        using var request = Get(host, path);
        using var response = await client.SendAsync(request);
        return (response.StatusCode, await response.Content.ReadAsStringAsync());
    }

    /// <summary>Polls until <paramref name="condition"/> holds; returns the time since <paramref name="since"/> was started.</summary>
    public static async Task<TimeSpan> UntilAsync(Stopwatch since, Func<Task<bool>> condition, string what, TimeSpan? timeout = null)
    {
        var limit = timeout ?? TimeSpan.FromSeconds(10);
        while (true)
        {
            if (await condition())
            {
                return since.Elapsed;
            }

            if (since.Elapsed > limit)
            {
                throw new TimeoutException($"{what}: not seen within {limit}");
            }

            await Task.Delay(10);
        }
    }

    /// <summary>Polls until the gateway answers the request from <paramref name="backend"/>.</summary>
    public static Task<TimeSpan> UntilBackendAsync(Stopwatch since, HttpClient client, string host, string path, string backend) =>
        UntilAsync(since, async () => (await SendAsync(client, host, path)).Backend == backend, $"GET {host}{path} answered by {backend}");

    /// <summary>Polls until the gateway answers the request with <paramref name="status"/>.</summary>
    public static Task<TimeSpan> UntilStatusAsync(Stopwatch since, HttpClient client, string host, string path, HttpStatusCode status) =>
        UntilAsync(since, async () => (await SendAsync(client, host, path)).Status == status, $"GET {host}{path} answered {(int)status}");
}
