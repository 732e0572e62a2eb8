using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.Connections.Features;
using Sluice.Gateway.Configuration;
using Sluice.Gateway.DataPlane;

namespace Sluice.Gateway.Listeners;

/// <summary>
/// What a listener checks before the request path runs, about the connection the request came on:
/// <list type="bullet">
/// <item>the client's own <c>x-forwarded-client-cert</c> is always removed, so an upstream never trusts a forged one;</item>
/// <item>on TLS, a request whose Host belongs to a virtual service that requires client certificates must arrive on a
/// connection verified by that virtual service's settings, or it gets 421 Misdirected Request (RFC 9110 15.5.20):
/// SNI chose the certificate and the client-certificate check, so a connection made for one name must not be reused
/// to reach another name's stricter policy (nginx answers the same way);</item>
/// <item>with <c>forwardClientCertDetails: SANITIZE_SET</c>, the verified client certificate is described in XFCC.</item>
/// </list>
/// </summary>
internal sealed class ListenerRequestGate(ProxyRequestHandler handler, ConfigStore store)
{
    /// <summary>The connection item holding the <see cref="ServerTlsContext"/> that verified the client's certificate.</summary>
    public static readonly object VerifiedBy = new();

    private static readonly object ForwardedValue = new();
    private static readonly byte[] MisdirectedBody = "this connection was not verified for this host: open a new connection whose TLS SNI names the host\n"u8.ToArray();

    public Task InvokeAsync(HttpContext context)
    {
        context.Request.Headers.Remove(ClientCertForwarding.HeaderName);
        var config = store.Current;
        if (!config.Listeners.TryGetValue(context.Connection.LocalPort, out var listener) || !listener.Ssl)
        {
            return handler.InvokeAsync(context);
        }

        var certificates = listener.Certificates;
        if (!certificates.RequiresClientCertificates)
        {
            // No virtual service here verifies clients: no connection carries an identity to check or forward.
            return handler.InvokeAsync(context);
        }

        var items = context.Features.Get<IConnectionItemsFeature>()?.Items;
        var verifiedBy = items is not null && items.TryGetValue(VerifiedBy, out var value) ? value as ServerTlsContext : null;
        var host = listener.Hosts.Find(context.Request.Host.Value ?? string.Empty, listener.Port);
        if (host is not null && certificates.ByVirtualHost.TryGetValue(host, out var wanted) && wanted.VerificationKey is { } key &&
            !(verifiedBy is not null && (ReferenceEquals(verifiedBy, wanted) || verifiedBy.VerificationKey == key)))
        {
            return LocalReply.WriteAsync(context, StatusCodes.Status421MisdirectedRequest, MisdirectedBody);
        }

        if (verifiedBy is not null && listener.ClientCertForwarding.SetHeader && context.Connection.ClientCertificate is { } client)
        {
            context.Request.Headers[ClientCertForwarding.HeaderName] = ForwardedHeader(items!, listener.ClientCertForwarding, client, verifiedBy);
        }

        return handler.InvokeAsync(context);
    }

    /// <summary>Formatted once per connection and settings: hashing and encoding the certificate per request would be waste.</summary>
    private static string ForwardedHeader(IDictionary<object, object?> items, ClientCertForwarding settings, X509Certificate2 client, ServerTlsContext verifiedBy)
    {
        if (items.TryGetValue(ForwardedValue, out var cached) && cached is FormattedHeader formatted && formatted.Settings.Equals(settings))
        {
            return formatted.Value;
        }

        var value = settings.Format(client, verifiedBy.Certificate);
        items[ForwardedValue] = new FormattedHeader(settings, value);
        return value;
    }

    private sealed record FormattedHeader(ClientCertForwarding Settings, string Value);
}
