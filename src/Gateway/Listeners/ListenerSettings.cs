using System.Net;
using Sluice.Discovery.Model;
using Sluice.Filters.Listener;

namespace Sluice.Gateway.Listeners;

/// <summary>
/// A listener's <see cref="HttpConnectionManagerSettings"/> with Sluice's edge defaults filled in, resolved once per
/// snapshot. The request path reads these fields directly; the listener's server applies the limits.
/// </summary>
internal sealed class ListenerSettings
{
    public static ListenerSettings Default { get; } = From(null);

    public required bool UseRemoteAddress { get; init; }

    public required int XffNumTrustedHops { get; init; }

    public required IPNetwork[] TrustedProxies { get; init; }

    public required bool SkipXffAppend { get; init; }

    public required HeadersWithUnderscoresAction HeadersWithUnderscores { get; init; }

    public required PathWithEscapedSlashesAction EscapedSlashes { get; init; }

    public required int MaxRequestHeadersBytes { get; init; }

    public required int MaxHeadersCount { get; init; }

    public required TimeSpan RequestHeadersTimeout { get; init; }

    /// <summary>Zero disables the idle timeout.</summary>
    public required TimeSpan IdleTimeout { get; init; }

    public required int Http2MaxConcurrentStreams { get; init; }

    public required int Http2InitialStreamWindowSize { get; init; }

    public required int Http2InitialConnectionWindowSize { get; init; }

    /// <summary>Null means no cap beyond the process's own limits.</summary>
    public required long? MaxConnections { get; init; }

    public required ForwardClientCertDetails ForwardClientCertDetails { get; init; }

    public required SetCurrentClientCertDetails SetCurrentClientCertDetails { get; init; }

    /// <summary>Whether any X-Forwarded-For entry can be believed: otherwise the peer is the client, always.</summary>
    public bool TrustsForwardedFor => !UseRemoteAddress || XffNumTrustedHops > 0 || TrustedProxies.Length > 0;

    public static ListenerSettings From(OptionSet? listenerOptions)
    {
        var settings = listenerOptions?.Values.TryGetValue("httpConnectionManagerSettings", out var value) == true
            ? (HttpConnectionManagerSettings)value
            : new HttpConnectionManagerSettings();
        return new ListenerSettings
        {
            UseRemoteAddress = settings.UseRemoteAddress ?? true,
            XffNumTrustedHops = (int)Math.Min(settings.XffNumTrustedHops ?? 0, 64),
            TrustedProxies = [.. settings.TrustedProxies.Select(cidr => IPNetwork.Parse(cidr))],
            SkipXffAppend = settings.SkipXffAppend,
            HeadersWithUnderscores = settings.HeadersWithUnderscoresAction ?? HeadersWithUnderscoresAction.REJECT_REQUEST,
            EscapedSlashes = settings.PathWithEscapedSlashesAction is null or PathWithEscapedSlashesAction.IMPLEMENTATION_SPECIFIC_DEFAULT
                ? PathWithEscapedSlashesAction.REJECT_REQUEST
                : settings.PathWithEscapedSlashesAction.Value,
            MaxRequestHeadersBytes = (int)(settings.MaxRequestHeadersKb ?? 60) * 1024,
            MaxHeadersCount = (int)(settings.MaxHeadersCount ?? 100),
            RequestHeadersTimeout = settings.RequestHeadersTimeout ?? TimeSpan.FromSeconds(10),
            IdleTimeout = settings.IdleTimeout ?? TimeSpan.FromHours(1),
            Http2MaxConcurrentStreams = (int)(settings.Http2ProtocolOptions?.MaxConcurrentStreams ?? 100),
            Http2InitialStreamWindowSize = (int)(settings.Http2ProtocolOptions?.InitialStreamWindowSize ?? 64 * 1024),
            Http2InitialConnectionWindowSize = (int)(settings.Http2ProtocolOptions?.InitialConnectionWindowSize ?? 1024 * 1024),
            MaxConnections = settings.MaxConnections,
            ForwardClientCertDetails = settings.ForwardClientCertDetails ?? ForwardClientCertDetails.SANITIZE,
            SetCurrentClientCertDetails = settings.SetCurrentClientCertDetails ?? new SetCurrentClientCertDetails(),
        };
    }
}
