using System.Net;
using System.Security.Authentication;
using System.Text;

namespace Sluice.Gateway.Upstreams;

/// <summary>
/// Turns a TLS handshake the upstream failed (its certificate not trusted, a SAN that does not match, our client
/// certificate refused) into Envoy's answer: 503 with the reason, instead of an empty 502. The response is marked
/// with <see cref="FailureHeader"/> so it is never mistaken for the upstream's own 503. Other failures pass through.
/// </summary>
internal sealed class UpstreamTlsFailureHandler(HttpMessageHandler inner) : DelegatingHandler(inner)
{
    public const string FailureHeader = "x-sluice-upstream-tls-error";

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        try
        {
            return await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
        }
        catch (HttpRequestException ex) when (Find(ex) is { } tls && !cancellationToken.IsCancellationRequested)
        {
            var reason = $"upstream connect error: TLS handshake with {request.RequestUri?.Authority} failed: {tls.Message}\n";
            var response = new HttpResponseMessage(HttpStatusCode.ServiceUnavailable)
            {
                RequestMessage = request,
                Content = new ByteArrayContent(Encoding.UTF8.GetBytes(reason)),
            };
            response.Content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("text/plain") { CharSet = "utf-8" };
            response.Headers.TryAddWithoutValidation(FailureHeader, "handshake");
            return response;
        }
    }

    private static AuthenticationException? Find(Exception exception)
    {
        AuthenticationException? found = null;
        for (var current = exception.InnerException; current is not null; current = current.InnerException)
        {
            if (current is AuthenticationException authentication)
            {
                // The innermost one carries the most specific reason (ours, from the verifier).
                found = authentication;
            }
        }

        return found;
    }
}
