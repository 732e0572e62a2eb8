using System.Net.Http.Headers;
using Microsoft.IdentityModel.Protocols;
using Microsoft.IdentityModel.Protocols.OpenIdConnect;
using Microsoft.IdentityModel.Tokens;

namespace Sluice.Filters.Jwt;

/// <summary>
/// Reads a bare JWKS document (Gloo's <c>jwks.remote.url</c>) as an OpenID Connect configuration holding only keys,
/// so one <see cref="ConfigurationManager{T}"/> caches and refreshes both kinds of URL.
/// </summary>
internal sealed class JwksOnlyRetriever : IConfigurationRetriever<OpenIdConnectConfiguration>
{
    public async Task<OpenIdConnectConfiguration> GetConfigurationAsync(string address, IDocumentRetriever retriever, CancellationToken cancel)
    {
        var document = await retriever.GetDocumentAsync(address, cancel).ConfigureAwait(false);
        var keys = new JsonWebKeySet(document);
        var configuration = new OpenIdConnectConfiguration { JsonWebKeySet = keys };
        foreach (var key in keys.GetSigningKeys())
        {
            configuration.SigningKeys.Add(key);
        }

        return configuration;
    }
}

/// <summary>
/// Fetches documents with a bounded size and time, optionally through an Upstream: the request goes to the
/// Upstream's address with the URL's path, query and Host, as Gloo's <c>upstreamRef</c> does.
/// </summary>
internal sealed class BoundedDocumentRetriever(HttpClient client, Uri? upstream) : IDocumentRetriever
{
    /// <summary>A JWKS or discovery document is a few kilobytes; anything near this is not one.</summary>
    private const int MaxDocumentBytes = 512 * 1024;

    public async Task<string> GetDocumentAsync(string address, CancellationToken cancel)
    {
        var target = new Uri(address);
        using var request = new HttpRequestMessage(HttpMethod.Get, upstream is null ? target : new Uri(upstream, target.PathAndQuery));
        request.Headers.Host = target.IsDefaultPort ? target.Host : $"{target.Host}:{target.Port}";
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancel);
        timeout.CancelAfter(TimeSpan.FromSeconds(10));
        try
        {
            using var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, timeout.Token).ConfigureAwait(false);
            if (!response.IsSuccessStatusCode)
            {
                throw new IOException($"fetching {address} answered {(int)response.StatusCode}");
            }

            if (response.Content.Headers.ContentLength > MaxDocumentBytes)
            {
                throw new IOException($"the document at {address} is larger than {MaxDocumentBytes} bytes");
            }

            await using var body = await response.Content.ReadAsStreamAsync(timeout.Token).ConfigureAwait(false);
            using var buffer = new MemoryStream();
            var chunk = new byte[16 * 1024];
            int read;
            while ((read = await body.ReadAsync(chunk, timeout.Token).ConfigureAwait(false)) > 0)
            {
                if (buffer.Length + read > MaxDocumentBytes)
                {
                    throw new IOException($"the document at {address} is larger than {MaxDocumentBytes} bytes");
                }

                buffer.Write(chunk, 0, read);
            }

            return System.Text.Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length);
        }
        catch (Exception ex) when (ex is HttpRequestException or OperationCanceledException)
        {
            // ConfigurationManager reports this as a failed refresh and keeps the keys it has.
            throw new IOException($"fetching {address} failed: {ex.Message}", ex);
        }
    }
}
