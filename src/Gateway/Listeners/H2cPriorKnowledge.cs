using System.Buffers;
using System.IO.Pipelines;
using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.AspNetCore.Server.Kestrel.Core.Features;
using Microsoft.AspNetCore.Http.Features;

namespace Sluice.Gateway.Listeners;

/// <summary>
/// Serves HTTP/1.1 and prior-knowledge h2c on one cleartext port, as Envoy and nginx do. Kestrel picks HTTP/1.1
/// for every cleartext connection on an Http1AndHttp2 endpoint (aspnetcore#56984), so this connection middleware
/// peeks at the first bytes: the exact RFC 9113 preface makes Kestrel choose HTTP/2 through the same ALPN path a
/// TLS connection takes. Nothing is consumed; the request handler restores the <c>http</c> scheme.
/// </summary>
internal static class H2cPriorKnowledge
{
    private static readonly System.Reflection.PropertyInfo? IsTlsProperty =
        typeof(ListenOptions).GetProperty("IsTls", System.Reflection.BindingFlags.Instance | System.Reflection.BindingFlags.NonPublic | System.Reflection.BindingFlags.Public);

    private static ReadOnlySpan<byte> Preface => "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n"u8;

    /// <summary>
    /// Enables h2c next to HTTP/1.1 on a cleartext endpoint. Kestrel drops HTTP/2 from a cleartext endpoint at bind
    /// time unless the endpoint is marked as TLS; marking it keeps both protocols, and each connection then takes
    /// HTTP/1.1 unless this middleware saw the HTTP/2 preface. Returns false (HTTP/1.1 only) if Kestrel's internals
    /// changed; the end-to-end h2c test catches that.
    /// </summary>
    public static bool TryEnable(ListenOptions listen)
    {
        if (IsTlsProperty?.SetMethod is null || IsTlsProperty.PropertyType != typeof(bool))
        {
            return false;
        }

        IsTlsProperty.SetValue(listen, true);
        listen.Use(Wrap);
        return true;
    }

    public static ConnectionDelegate Wrap(ConnectionDelegate next) => async connection =>
    {
        var input = connection.Transport.Input;
        while (true)
        {
            ReadResult result;
            try
            {
                result = await input.ReadAsync(connection.ConnectionClosed).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }

            var buffer = result.Buffer;
            var decision = Classify(buffer);
            if (decision == Decision.NeedMore && !result.IsCompleted)
            {
                input.AdvanceTo(buffer.Start, buffer.End);
                continue;
            }

            input.AdvanceTo(buffer.Start);
            if (decision == Decision.Http2)
            {
                connection.Features.Set<ITlsConnectionFeature>(CleartextHttp2Marker.Instance);
                connection.Features.Set<ITlsApplicationProtocolFeature>(CleartextHttp2Marker.Instance);
            }

            break;
        }

        await next(connection).ConfigureAwait(false);
    };

    private enum Decision
    {
        NeedMore,
        Http1,
        Http2,
    }

    private static Decision Classify(ReadOnlySequence<byte> buffer)
    {
        var preface = Preface;
        var length = (int)Math.Min(buffer.Length, preface.Length);
        Span<byte> head = stackalloc byte[preface.Length];
        buffer.Slice(0, length).CopyTo(head);
        if (!head[..length].SequenceEqual(preface[..length]))
        {
            return Decision.Http1;
        }

        return length == preface.Length ? Decision.Http2 : Decision.NeedMore;
    }

    private sealed class CleartextHttp2Marker : ITlsConnectionFeature, ITlsApplicationProtocolFeature
    {
        public static CleartextHttp2Marker Instance { get; } = new();

        public X509Certificate2? ClientCertificate
        {
            get => null;
            set { }
        }

        public ReadOnlyMemory<byte> ApplicationProtocol => "h2"u8.ToArray();

        public Task<X509Certificate2?> GetClientCertificateAsync(CancellationToken cancellationToken) => Task.FromResult<X509Certificate2?>(null);
    }
}
