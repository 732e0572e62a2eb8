using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using Sluice.EndToEnd.Tests.Harness;

namespace Sluice.EndToEnd.Tests.Routing.Support;

/// <summary>What the gateway answered: status, body, headers, and the echo when a test backend answered.</summary>
internal sealed record Reply(HttpStatusCode Status, string Body, HttpResponseHeaders Headers, Version Version)
{
    /// <summary>The echo of the backend that answered; fails the test when the body is not one.</summary>
    public EchoResponse Echo
    {
        get
        {
            Assert.True(Status == HttpStatusCode.OK, $"expected a backend echo (200) but got {(int)Status}: {Body}");
            return JsonSerializer.Deserialize<EchoResponse>(Body, EchoResponse.JsonOptions)
                ?? throw new InvalidOperationException("empty echo");
        }
    }

    /// <summary>The name of the backend that answered.</summary>
    public string Backend => Echo.Backend;
}

internal static class GatewayRequests
{
    /// <summary>Sends one request through the gateway and reads the whole answer.</summary>
    public static async Task<Reply> SendAsync(
        this HttpClient client,
        string pathAndQuery,
        string? host = null,
        HttpMethod? method = null,
        HttpContent? content = null,
        params (string Name, string Value)[] headers)
    {
        using var request = new HttpRequestMessage(method ?? HttpMethod.Get, pathAndQuery)
        {
            Content = content,

            // A message built by hand does not take the client's defaults; keep the version the client was made for.
            Version = client.DefaultRequestVersion,
            VersionPolicy = client.DefaultVersionPolicy,
        };
        if (host is not null)
        {
            request.Headers.Host = host;
        }

        foreach (var (name, value) in headers)
        {
            request.Headers.TryAddWithoutValidation(name, value);
        }

        using var response = await client.SendAsync(request);
        var body = await response.Content.ReadAsStringAsync();
        return new Reply(response.StatusCode, body, response.Headers, response.Version);
    }

    /// <summary>A GET with extra request headers.</summary>
    public static Task<Reply> GetWithHeadersAsync(this HttpClient client, string pathAndQuery, params (string Name, string Value)[] headers) =>
        client.SendAsync(pathAndQuery, host: null, method: null, content: null, headers);

    /// <summary>Which backend answered <paramref name="pathAndQuery"/>, or the status code as "404"/"503" etc. when none did.</summary>
    public static async Task<string> WhoAnswersAsync(this HttpClient client, string pathAndQuery, string? host = null, HttpMethod? method = null, params (string Name, string Value)[] headers)
    {
        var reply = await client.SendAsync(pathAndQuery, host, method, content: null, headers);
        return reply.Status == HttpStatusCode.OK && reply.Body.StartsWith('{') ? reply.Echo.Backend : ((int)reply.Status).ToString(System.Globalization.CultureInfo.InvariantCulture);
    }
}
