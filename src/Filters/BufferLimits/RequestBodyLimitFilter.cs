using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Primitives;

namespace Sluice.Filters.BufferLimits;

/// <summary>
/// Enforces a request body limit without buffering: a declared Content-Length over the limit is answered 413 before
/// the upstream is contacted; a body of unknown length (chunked, HTTP/2 without content-length, gRPC streams) is
/// counted as it streams and fails the read that crosses the limit, so no byte past the limit is forwarded. YARP
/// turns that failure into 413 if the response has not started, and otherwise resets the upstream and client streams.
/// </summary>
internal sealed class RequestBodyLimitFilter(long? maxRequestBytes, bool overridesListenerLimit) : HttpFilter
{
    /// <summary>
    /// AuthN, the first stage after Fault and Cors: injected faults hit every request as in Envoy, and a CORS filter sees
    /// the request first; but an oversized upload is refused before any authentication call, authorization check or
    /// rate-limit token is spent on it, and before anything that reads the body (transformations) can read past the limit.
    /// </summary>
    public const FilterStage LimitStage = FilterStage.AuthN;

    private static readonly byte[] PayloadTooLargeBody = "Payload Too Large"u8.ToArray();

    public override FilterStage Stage => LimitStage;

    /// <summary>The limit in bytes; null when this layer disabled it.</summary>
    public long? MaxRequestBytes { get; } = maxRequestBytes;

    /// <summary>True for <c>bufferPerRoute</c>, which wins over a listener-wide <c>buffer</c> in the same chain.</summary>
    public bool OverridesListenerLimit { get; } = overridesListenerLimit;

    public override string Describe() =>
        (OverridesListenerLimit ? "bufferPerRoute " : "buffer ") + (MaxRequestBytes is { } limit ? $"maxRequestBytes {limit}" : "disabled");

    public override ValueTask<FilterVerdict> OnRequestAsync(ProxyExchange exchange)
    {
        if (MaxRequestBytes is not { } limit || (!OverridesListenerLimit && IsOverridden(exchange.Chain)))
        {
            return new(FilterVerdict.Continue);
        }

        var context = exchange.HttpContext;
        var request = context.Request;
        var declared = request.ContentLength;
        var chunked = !StringValues.IsNullOrEmpty(request.Headers.TransferEncoding);
        if (declared > limit && !chunked)
        {
            return RejectAsync(context);
        }

        // A declared length is the framing: Kestrel never delivers more (HTTP/2 included), so only unknown lengths are counted.
        if ((declared is not null && !chunked) || context.Features.Get<IHttpRequestBodyDetectionFeature>()?.CanHaveBody == false)
        {
            return new(FilterVerdict.Continue);
        }

        request.Body = new LimitedRequestBody(request.Body, limit, this);
        return new(FilterVerdict.Continue);
    }

    public override ValueTask OnResponseCompletedAsync(ProxyExchange exchange)
    {
        var context = exchange.HttpContext;

        // YARP already set 413 from the read failure; give it Envoy's body and close an HTTP/1 connection whose
        // request body was left unread.
        if (context.Request.Body is LimitedRequestBody { LimitExceeded: true } body && ReferenceEquals(body.Owner, this) && !context.Response.HasStarted)
        {
            context.Response.Clear();
            return new(WriteTooLargeAsync(context));
        }

        return ValueTask.CompletedTask;
    }

    private static bool IsOverridden(HttpFilter[] chain)
    {
        foreach (var filter in chain)
        {
            if (filter is RequestBodyLimitFilter { OverridesListenerLimit: true })
            {
                return true;
            }
        }

        return false;
    }

    private static async ValueTask<FilterVerdict> RejectAsync(HttpContext context)
    {
        await WriteTooLargeAsync(context).ConfigureAwait(false);
        return FilterVerdict.Handled;
    }

    private static Task WriteTooLargeAsync(HttpContext context)
    {
        var response = context.Response;
        response.StatusCode = StatusCodes.Status413PayloadTooLarge;
        if (HttpProtocol.IsHttp10(context.Request.Protocol) || HttpProtocol.IsHttp11(context.Request.Protocol))
        {
            // As Envoy: the rest of the body is not read, so the connection cannot be reused (Kestrel would drain it).
            response.Headers.Connection = "close";
        }

        response.ContentType = "text/plain";
        response.ContentLength = PayloadTooLargeBody.Length;
        return response.Body.WriteAsync(PayloadTooLargeBody, 0, PayloadTooLargeBody.Length);
    }
}
