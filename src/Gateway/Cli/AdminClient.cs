using System.Net;
using System.Text.Json.Serialization.Metadata;

namespace Sluice.Gateway.Cli;

/// <summary>
/// Reads the admin API of a running gateway for the online tools. <c>--admin</c> takes a URL or, like
/// <c>sluice run --admin</c>, a bare HOST:PORT.
/// </summary>
internal sealed class AdminClient : IDisposable
{
    public const string DefaultAddress = "http://127.0.0.1:19000";

    private readonly HttpClient _http;

    private AdminClient(Uri baseAddress, string? token)
    {
        _http = new HttpClient(new SocketsHttpHandler { UseProxy = false }) { BaseAddress = baseAddress, Timeout = TimeSpan.FromSeconds(15) };
        if (token is not null)
        {
            _http.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", token);
        }
    }

    public Uri BaseAddress => _http.BaseAddress!;

    public static AdminClient? TryCreate(string address, string? token, out string? error)
    {
        var text = address.Contains("://", StringComparison.Ordinal) ? address : "http://" + address;
        if (!Uri.TryCreate(text, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps))
        {
            error = $"--admin: '{address}' is not a URL or HOST:PORT (for example {DefaultAddress})";
            return null;
        }

        error = null;
        return new AdminClient(uri, token);
    }

    /// <summary>GETs and reads JSON; the error in words when the gateway cannot be reached or answers something else.</summary>
    public async Task<(T? Value, string? Error)> GetAsync<T>(string pathAndQuery, JsonTypeInfo<T> type, CancellationToken cancellation)
    {
        try
        {
            using var response = await _http.GetAsync(pathAndQuery, cancellation).ConfigureAwait(false);
            if (response.StatusCode == HttpStatusCode.Unauthorized)
            {
                return (default, $"the admin API at {BaseAddress} requires a token: pass --admin-token-file FILE or set SLUICE_ADMIN_TOKEN");
            }

            var body = await response.Content.ReadAsStringAsync(cancellation).ConfigureAwait(false);
            if (response.Content.Headers.ContentType?.MediaType != "application/json")
            {
                return (default, $"the admin API at {BaseAddress} answered {(int)response.StatusCode}: {body.Trim()}");
            }

            return (System.Text.Json.JsonSerializer.Deserialize(body, type), null);
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException or System.Text.Json.JsonException)
        {
            var hint = ex is HttpRequestException { StatusCode: null } or TaskCanceledException
                ? "; is 'sluice run' running there? Use --config DIR to work on files instead"
                : string.Empty;
            return (default, $"cannot read the admin API at {BaseAddress}: {ex.Message}{hint}");
        }
    }

    public static string Query(params (string Name, string Value)[] parameters) =>
        string.Join('&', parameters.Select(p => $"{WebUtility.UrlEncode(p.Name)}={WebUtility.UrlEncode(p.Value)}"));

    public void Dispose() => _http.Dispose();
}
