using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;

namespace Sluice.Filters.HeaderManipulation;

/// <summary>What <c>%REQ(name)%</c> reads: a request header, or one of the pseudo-headers Envoy exposes.</summary>
internal enum RequestFieldKind
{
    Header,
    Method,
    Path,
    Scheme,
    Authority,
}

/// <summary>One request value <c>%REQ(...)%</c> reads; pseudo-header names are resolved once, at parse time.</summary>
internal readonly record struct RequestField(RequestFieldKind Kind, string Name)
{
    public static RequestField Parse(string name) => name.ToLowerInvariant() switch
    {
        ":method" => new(RequestFieldKind.Method, ":method"),
        ":path" => new(RequestFieldKind.Path, ":path"),
        ":scheme" => new(RequestFieldKind.Scheme, ":scheme"),
        ":authority" => new(RequestFieldKind.Authority, ":authority"),
        _ => new(RequestFieldKind.Header, name),
    };

    /// <summary>The value, or null when the request has none (Envoy then omits it).</summary>
    public string? Read(HttpContext context)
    {
        var request = context.Request;
        switch (Kind)
        {
            case RequestFieldKind.Method:
                return request.Method;
            case RequestFieldKind.Path:
                // Envoy's :path is the request target as received, query string included.
                return context.Features.Get<IHttpRequestFeature>()?.RawTarget;
            case RequestFieldKind.Scheme:
                return request.Scheme;
            case RequestFieldKind.Authority:
                return request.Headers.Host.Count == 0 ? null : request.Headers.Host[0];
            default:
                // Envoy reads the first value of a repeated header.
                var values = request.Headers[Name];
                return values.Count == 0 ? null : values[0];
        }
    }
}
