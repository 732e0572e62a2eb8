using Microsoft.AspNetCore.Http.Features;
using Yarp.ReverseProxy.Forwarder;

namespace Sluice.Gateway.DataPlane;

/// <summary>
/// The transformer of the retrying path: <see cref="ForwardingTransformer"/>, except that a response the retry policy
/// retries is set aside before YARP copies anything of it to the client. YARP copies the status before calling
/// <see cref="TransformResponseAsync"/> and copies the headers inside it; returning false makes YARP dispose the
/// response (its body is never read) and end the attempt with no error, leaving the client's response untouched.
/// </summary>
internal sealed class RetryingTransformer : HttpTransformer
{
    private RetryingTransformer()
    {
    }

    public static RetryingTransformer Instance { get; } = new();

    public override ValueTask TransformRequestAsync(HttpContext httpContext, HttpRequestMessage proxyRequest, string destinationPrefix, CancellationToken cancellationToken) =>
        ForwardingTransformer.Instance.TransformRequestAsync(httpContext, proxyRequest, destinationPrefix, cancellationToken);

    public override ValueTask<bool> TransformResponseAsync(HttpContext httpContext, HttpResponseMessage? proxyResponse, CancellationToken cancellationToken)
    {
        if (proxyResponse is not null)
        {
            var attempt = httpContext.Features.Get<ForwardingAttempt>()!;
            var status = (int)proxyResponse.StatusCode;
            attempt.UpstreamStatus = status;

            // A 101 or an HTTP/2 CONNECT 200 is a tunnel, never retried (upgrades do not take this path anyway).
            if (status != StatusCodes.Status101SwitchingProtocols && attempt.TryScheduleRetry(status))
            {
                // Undo what YARP copied before calling us, so the next attempt starts from a clean response.
                httpContext.Response.StatusCode = StatusCodes.Status200OK;
                httpContext.Features.Get<IHttpResponseFeature>()!.ReasonPhrase = null;
                return new(false);
            }

            attempt.Committed = true;
            if (attempt.Overflow is { } overflow)
            {
                httpContext.Response.Headers[LocalReply.OverflowHeader] = overflow;
            }
        }

        return ForwardingTransformer.Instance.TransformResponseAsync(httpContext, proxyResponse, cancellationToken);
    }

    public override ValueTask TransformResponseTrailersAsync(HttpContext httpContext, HttpResponseMessage proxyResponse, CancellationToken cancellationToken) =>
        ForwardingTransformer.Instance.TransformResponseTrailersAsync(httpContext, proxyResponse, cancellationToken);
}
