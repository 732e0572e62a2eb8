using System.Net;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Sluice.EndToEnd.Tests.Harness;

namespace Sluice.EndToEnd.Tests.Resilience.Upstreams;

/// <summary>
/// Backends behind one Upstream named <c>api</c> (one host each, in order) and a VirtualService routing every path
/// to it, with the resilience settings under test as extra YAML under the Upstream's spec and the route's options.
/// </summary>
internal static class UpstreamScenario
{
    /// <summary>
    /// Why the tests that need the forwarding loop to use the upstream contract (<c>TryEnterRequest</c>/<c>ExitRequest</c>
    /// and <c>ReportOutcome</c> on every attempt) are skipped; null runs them. Set to null once ProxyRequestHandler's
    /// retry loop calls them.
    /// </summary>
    public const string? PendingForwardingLoop = null;

    public static string UpstreamYaml(IEnumerable<TestBackend> backends, string specExtra = "", IEnumerable<int>? weights = null)
    {
        var weightList = weights?.ToList();
        var hosts = string.Concat(backends.Select((b, i) =>
            $"      - addr: 127.0.0.1\n        port: {b.Port}\n" + (weightList is null ? string.Empty : $"        loadBalancingWeight: {weightList[i]}\n")));
        return $"apiVersion: gateway.sluice.dev/v1\nkind: Upstream\nmetadata:\n  name: api\n  namespace: default\nspec:\n  static:\n    hosts:\n{hosts}{Indent(specExtra, 2)}";
    }

    public static string RouteYaml(string routeOptions = "") => Yaml.VirtualService("vs",
        "      - matchers:\n          - prefix: /\n        routeAction:\n          single:\n            upstream:\n              name: api\n"
        + (routeOptions.Length == 0 ? string.Empty : "        options:\n" + Indent(routeOptions, 10)));

    /// <summary>Sends a GET and returns the status and the name of the backend that answered (empty for the gateway's own replies).</summary>
    public static async Task<(HttpStatusCode Status, string Backend)> GetAsync(HttpClient client, string path = "/", params (string Name, string Value)[] headers)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        foreach (var (name, value) in headers)
        {
            request.Headers.TryAddWithoutValidation(name, value);
        }

        using var response = await client.SendAsync(request);
        var body = await response.Content.ReadAsStringAsync();
        var backend = response.Headers.TryGetValues("x-backend", out var values) ? values.First() : string.Empty;
        if (backend.Length == 0 && response.Content.Headers.ContentType?.MediaType == "application/json")
        {
            backend = JsonSerializer.Deserialize<EchoResponse>(body, EchoResponse.JsonOptions)?.Backend ?? string.Empty;
        }

        return (response.StatusCode, backend);
    }

    /// <summary>A backend handler that answers with <paramref name="status"/> and names itself in <c>x-backend</c>.</summary>
    public static RequestDelegate Status(string name, Func<int> status) => context =>
    {
        context.Response.Headers["x-backend"] = name;
        context.Response.StatusCode = status();
        return Task.CompletedTask;
    };

    /// <summary>Polls <paramref name="condition"/> until it holds or <paramref name="timeout"/> passes.</summary>
    public static async Task<bool> EventuallyAsync(Func<Task<bool>> condition, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < deadline)
        {
            if (await condition())
            {
                return true;
            }

            await Task.Delay(50);
        }

        return await condition();
    }

    private static string Indent(string yaml, int spaces)
    {
        var pad = new string(' ', spaces);
        return yaml.Length == 0 ? string.Empty : string.Concat(yaml.TrimEnd('\n').Split('\n').Select(line => pad + line + "\n"));
    }
}
