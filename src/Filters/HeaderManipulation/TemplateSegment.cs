using System.Net;
using System.Runtime.CompilerServices;
using Microsoft.AspNetCore.Http;

namespace Sluice.Filters.HeaderManipulation;

/// <summary>What one piece of a header value template produces.</summary>
internal enum TemplateSegmentKind
{
    Literal,
    DownstreamRemoteAddress,
    DownstreamRemoteAddressWithoutPort,
    Request,
    StartTime,
    Protocol,
    RouteName,
    UpstreamCluster,
}

/// <summary>
/// One piece of a parsed header value: literal text or a variable. Immutable and shared by every request.
/// </summary>
internal sealed record TemplateSegment(TemplateSegmentKind Kind, string Literal = "")
{
    public RequestField Field { get; init; }

    /// <summary>The <c>Y</c> of <c>%REQ(X?Y)%</c>, read when X is absent.</summary>
    public RequestField? Fallback { get; init; }

    /// <summary>The <c>Z</c> of <c>%REQ(X):Z%</c>: the value is truncated to this many characters.</summary>
    public int? MaxLength { get; init; }

    public StartTimeFormat TimeFormat { get; init; } = StartTimeFormat.Default;

    /// <summary>
    /// The segment's value when it is a string the request already holds, without formatting; null when it is
    /// empty or must be formatted (addresses, times).
    /// </summary>
    public string? ReadString(ProxyExchange exchange, out bool needsFormatting)
    {
        needsFormatting = false;
        switch (Kind)
        {
            case TemplateSegmentKind.Literal:
                return Literal;
            case TemplateSegmentKind.Protocol:
                return exchange.HttpContext.Request.Protocol;
            case TemplateSegmentKind.RouteName:
                return exchange.RouteName;
            case TemplateSegmentKind.UpstreamCluster:
                return exchange.UpstreamName;
            case TemplateSegmentKind.Request:
                var value = Field.Read(exchange.HttpContext);
                // Envoy falls back only when the first header is absent, not when it is empty.
                if (value is null && Fallback is { } fallback)
                {
                    value = fallback.Read(exchange.HttpContext);
                }

                return value is not null && MaxLength is { } max && value.Length > max ? value[..max] : value;
            default:
                needsFormatting = true;
                return null;
        }
    }

    public void AppendTo(ref DefaultInterpolatedStringHandler builder, ProxyExchange exchange)
    {
        switch (Kind)
        {
            case TemplateSegmentKind.DownstreamRemoteAddress:
                AppendRemoteAddress(ref builder, exchange.HttpContext.Connection, withPort: true);
                break;
            case TemplateSegmentKind.DownstreamRemoteAddressWithoutPort:
                AppendRemoteAddress(ref builder, exchange.HttpContext.Connection, withPort: false);
                break;
            case TemplateSegmentKind.StartTime:
                TimeFormat.AppendTo(ref builder, exchange.StartTime);
                break;
            default:
                builder.AppendFormatted(ReadString(exchange, out _));
                break;
        }
    }

    // Envoy prints 127.0.0.1:5000 and [::1]:5000, and the address alone without brackets.
    private static void AppendRemoteAddress(ref DefaultInterpolatedStringHandler builder, ConnectionInfo connection, bool withPort)
    {
        var address = connection.RemoteIpAddress;
        if (address is null)
        {
            return;
        }

        if (address.IsIPv4MappedToIPv6)
        {
            address = address.MapToIPv4();
        }

        if (!withPort)
        {
            builder.AppendFormatted(address);
            return;
        }

        var bracket = address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6;
        if (bracket)
        {
            builder.AppendLiteral("[");
        }

        builder.AppendFormatted<IPAddress>(address);
        builder.AppendLiteral(bracket ? "]:" : ":");
        builder.AppendFormatted(connection.RemotePort);
    }
}
