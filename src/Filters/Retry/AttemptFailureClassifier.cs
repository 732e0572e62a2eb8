using System.Net.Sockets;
using Yarp.ReverseProxy.Forwarder;

namespace Sluice.Filters.Retry;

/// <summary>
/// Maps what YARP reports for an attempt that got no response (its <see cref="ForwarderError"/> and the exception in
/// <see cref="IForwarderErrorFeature"/>) to Envoy's reset reasons. Timeouts the gateway set itself (per-try, route) are
/// told apart by the caller, who owns those tokens; a timeout left here can only be the connect timeout.
/// </summary>
internal static class AttemptFailureClassifier
{
    /// <summary>HTTP/2 REFUSED_STREAM (RFC 9113 section 7).</summary>
    private const long RefusedStreamCode = 0x7;

    public static AttemptFailure Classify(ForwarderError error, Exception? exception)
    {
        switch (error)
        {
            case ForwarderError.RequestTimedOut:
                // SocketsHttpHandler's ConnectTimeout surfaces as a cancellation YARP reports as a timeout.
                return AttemptFailure.ConnectFailure;
            case ForwarderError.Request:
                return FromException(exception);
            case ForwarderError.RequestBodyDestination:
                // The upstream broke the connection while the body was being sent to it.
                return AttemptFailure.Reset;
            default:
                // Client-side errors (RequestBodyClient, RequestCanceled...), response-side errors once a response was
                // accepted, and request creation bugs are never the upstream's transient failure.
                return AttemptFailure.None;
        }
    }

    private static AttemptFailure FromException(Exception? exception)
    {
        for (var current = exception; current is not null; current = current.InnerException)
        {
            switch (current)
            {
                case HttpProtocolException { ErrorCode: RefusedStreamCode }:
                    return AttemptFailure.RefusedStream;
                case HttpRequestException { HttpRequestError: HttpRequestError.ConnectionError or HttpRequestError.NameResolutionError or HttpRequestError.SecureConnectionError }:
                    return AttemptFailure.ConnectFailure;
                case SocketException { SocketErrorCode: SocketError.ConnectionRefused or SocketError.HostUnreachable or SocketError.NetworkUnreachable or SocketError.HostNotFound or SocketError.AddressNotAvailable }:
                    return AttemptFailure.ConnectFailure;
                case AggregateException aggregate when aggregate.InnerExceptions.Count > 1:
                    foreach (var inner in aggregate.InnerExceptions)
                    {
                        var failure = FromException(inner);
                        if (failure != AttemptFailure.Reset)
                        {
                            return failure;
                        }
                    }

                    return AttemptFailure.Reset;
            }
        }

        // Disconnects, resets, malformed or truncated responses before the headers completed.
        return AttemptFailure.Reset;
    }
}
