using System.Globalization;
using Microsoft.AspNetCore.Http;

namespace Sluice.Filters.Transformation;

/// <summary>
/// Header reads with Envoy's pseudo-headers: <c>:path</c> (path and query as sent upstream), <c>:method</c>,
/// <c>:authority</c> and <c>:scheme</c> on requests, <c>:status</c> on responses. As Envoy's <c>header()</c>,
/// a repeated header yields its first value and a missing one the empty string.
/// </summary>
internal static class MessageHeaders
{
    public const string Path = ":path";
    public const string Method = ":method";
    public const string Authority = ":authority";
    public const string Scheme = ":scheme";
    public const string Status = ":status";

    public static string Request(ProxyExchange exchange, string name)
    {
        var request = exchange.HttpContext.Request;
        if (name.Length > 0 && name[0] == ':')
        {
            return name switch
            {
                Path => new PathString(exchange.UpstreamPath).ToUriComponent() + request.QueryString.Value,
                Method => request.Method,
                Authority => exchange.UpstreamHost ?? request.Host.Value ?? string.Empty,
                Scheme => request.Scheme,
                _ => string.Empty,
            };
        }

        return First(request.Headers, name);
    }

    public static string Response(HttpResponse response, string name) =>
        name == Status ? response.StatusCode.ToString(CultureInfo.InvariantCulture) : First(response.Headers, name);

    private static string First(IHeaderDictionary headers, string name) =>
        headers.TryGetValue(name, out var values) && values.Count > 0 ? values[0] ?? string.Empty : string.Empty;
}
