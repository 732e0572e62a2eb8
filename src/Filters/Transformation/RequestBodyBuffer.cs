using System.Runtime.InteropServices;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;

namespace Sluice.Filters.Transformation;

/// <summary>
/// Reads the request body into memory within a limit, and puts a (possibly new) body back for forwarding.
/// YARP 2.3 refuses a transform that replaces the outgoing <c>HttpContent</c>; what it forwards is whatever
/// <c>HttpContext.Request.Body</c> holds, and it decides whether there is a body at all from
/// <see cref="IHttpRequestBodyDetectionFeature"/> (HttpForwarder.SetupRequestBodyCopy). A body added to a request
/// that had none (a GET, or HTTP/2 with END_STREAM on the headers) therefore also needs that feature to say yes.
/// </summary>
internal static class RequestBodyBuffer
{
    public static async ValueTask<(BodyContent? Body, TransformError? Error)> ReadAsync(HttpContext context, long maxBytes)
    {
        var request = context.Request;
        if (request.ContentLength is { } declared && declared > maxBytes)
        {
            return (null, TooLarge(maxBytes));
        }

        if (request.ContentLength == 0 || context.Features.Get<IHttpRequestBodyDetectionFeature>() is { CanHaveBody: false })
        {
            return (BodyContent.Empty, null);
        }

        // Kestrel's own limit (30 MB by default) would answer first if it were lower than the configured one.
        var sizeFeature = context.Features.Get<IHttpMaxRequestBodySizeFeature>();
        if (sizeFeature is { IsReadOnly: false, MaxRequestBodySize: { } serverLimit } && serverLimit < maxBytes)
        {
            sizeFeature.MaxRequestBodySize = maxBytes;
        }

        var buffer = new byte[(int)Math.Min((request.ContentLength ?? 4095) + 1, maxBytes + 1)];
        var total = 0;
        try
        {
            while (true)
            {
                if (total == buffer.Length)
                {
                    if (total > maxBytes)
                    {
                        return (null, TooLarge(maxBytes));
                    }

                    Array.Resize(ref buffer, (int)Math.Min((long)buffer.Length * 2, maxBytes + 1));
                }

                var read = await request.Body.ReadAsync(buffer.AsMemory(total), context.RequestAborted).ConfigureAwait(false);
                if (read == 0)
                {
                    break;
                }

                total += read;
                if (total > maxBytes)
                {
                    return (null, TooLarge(maxBytes));
                }
            }
        }
        catch (BadHttpRequestException ex)
        {
            return (null, new TransformError(ex.StatusCode, $"the request body could not be read: {ex.Message}"));
        }

        return (new BodyContent(buffer.AsMemory(0, total)), null);
    }

    /// <summary>Makes <paramref name="body"/> the body YARP forwards, with a Content-Length and no Transfer-Encoding.</summary>
    public static void Install(HttpContext context, BodyContent body, bool replaced)
    {
        var request = context.Request;
        var length = body.Bytes.Length;
        var canHaveBody = context.Features.Get<IHttpRequestBodyDetectionFeature>() is not { CanHaveBody: false };
        var stream = MemoryMarshal.TryGetArray(body.Bytes, out var segment)
            ? new MemoryStream(segment.Array!, segment.Offset, segment.Count, writable: false)
            : new MemoryStream(body.Bytes.ToArray(), writable: false);
        request.Body = stream;
        request.Headers.Remove("Transfer-Encoding");

        // The body is already here; an upstream must not be asked to say 100 Continue for it.
        request.Headers.Remove("Expect");
        if (replaced && length == 0)
        {
            request.Headers.Remove("Content-Type");
        }

        if (length > 0 || canHaveBody)
        {
            request.ContentLength = length;
        }

        if (length > 0 && !canHaveBody)
        {
            context.Features.Set<IHttpRequestBodyDetectionFeature>(RequestBodyPresent.Instance);
        }
    }

    private static TransformError TooLarge(long maxBytes) =>
        new(StatusCodes.Status413PayloadTooLarge, $"the request body is larger than this route's transformation allows ({maxBytes} bytes)");

    /// <summary>Tells YARP the request now has a body, so it forwards one.</summary>
    private sealed class RequestBodyPresent : IHttpRequestBodyDetectionFeature
    {
        public static RequestBodyPresent Instance { get; } = new();

        public bool CanHaveBody => true;
    }
}
