using Microsoft.AspNetCore.Server.Kestrel.Core;

namespace Sluice.Gateway.Listeners;

/// <summary>
/// The listener-level parts of <c>httpConnectionManagerSettings</c> applied to the listener's Kestrel server: header
/// size and count, the header-read and keep-alive timeouts, HTTP/2 stream and window limits. Kestrel reads these per
/// request or per new connection, so writing them again after a reload changes new traffic without a rebind.
/// </summary>
internal static class ListenerLimits
{
    public static void Apply(KestrelServerLimits limits, ListenerSettings settings)
    {
        // Envoy's max_request_headers_kb covers the request line and the headers together; Kestrel has one limit for
        // each, so both get it (a long URL is not refused before Envoy would refuse it).
        limits.MaxRequestHeadersTotalSize = settings.MaxRequestHeadersBytes;
        limits.MaxRequestLineSize = settings.MaxRequestHeadersBytes;
        limits.MaxRequestHeaderCount = settings.MaxHeadersCount;
        limits.RequestHeadersTimeout = settings.RequestHeadersTimeout;
        limits.KeepAliveTimeout = settings.IdleTimeout == TimeSpan.Zero ? Timeout.InfiniteTimeSpan : settings.IdleTimeout;
        limits.Http2.MaxStreamsPerConnection = settings.Http2MaxConcurrentStreams;
        limits.Http2.InitialStreamWindowSize = settings.Http2InitialStreamWindowSize;
        limits.Http2.InitialConnectionWindowSize = Math.Max(settings.Http2InitialConnectionWindowSize, settings.Http2InitialStreamWindowSize);

        // HPACK-decoded header fields count against the same budget as HTTP/1.1 headers.
        limits.Http2.MaxRequestHeaderFieldSize = Math.Max(settings.MaxRequestHeadersBytes, 4096);
    }
}
