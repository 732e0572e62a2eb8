using System.Globalization;
using Microsoft.AspNetCore.Http;

namespace Sluice.Filters.Transformation;

/// <summary>Setting rendered headers, pseudo-headers included, and refusing values no peer would accept.</summary>
internal sealed partial class CompiledTransformation
{
    /// <summary>Header values must be visible ASCII (or tab): no line breaks, no NUL, nothing a peer would reject.</summary>
    internal static bool IsValidHeaderValue(string value)
    {
        foreach (var c in value)
        {
            if (c is < ' ' and not '\t' or > '~')
            {
                return false;
            }
        }

        return true;
    }

    private static TransformError InvalidHeader(bool response, string name) => response
        ? new TransformError(StatusCodes.Status500InternalServerError, $"the response transformation rendered an invalid value for header '{name}' (line breaks, control or non-ASCII characters)")
        : new TransformError(StatusCodes.Status400BadRequest, $"the request transformation rendered an invalid value for header '{name}' (line breaks, control or non-ASCII characters)");

    private static TransformError? SetRequestHeader(ProxyExchange exchange, string name, string value)
    {
        var request = exchange.HttpContext.Request;
        switch (name)
        {
            case MessageHeaders.Path:
                // Gloo removes the header when a template renders empty; for :path that breaks the request, so it is kept.
                if (value.Length == 0)
                {
                    return null;
                }

                if (value[0] != '/' || !IsValidHeaderValue(value) || value.Contains(' ', StringComparison.Ordinal) || value.Contains('#', StringComparison.Ordinal))
                {
                    return new TransformError(StatusCodes.Status400BadRequest, "the request transformation rendered an invalid :path (it must start with '/' and hold no spaces, '#' or control characters)");
                }

                var query = value.IndexOf('?', StringComparison.Ordinal);
                var path = query < 0 ? value : value[..query];
                exchange.UpstreamPath = PathString.FromUriComponent(path).Value ?? "/";
                request.QueryString = query < 0 || query == value.Length - 1 ? QueryString.Empty : new QueryString(value[query..]);
                return null;
            case MessageHeaders.Method:
                if (value.Length == 0)
                {
                    return null;
                }

                if (!IsToken(value))
                {
                    return new TransformError(StatusCodes.Status400BadRequest, "the request transformation rendered an invalid :method");
                }

                request.Method = value;
                return null;
            case MessageHeaders.Authority:
                if (value.Length == 0)
                {
                    return null;
                }

                if (!IsValidHeaderValue(value) || value.AsSpan().ContainsAny(" /\t"))
                {
                    return new TransformError(StatusCodes.Status400BadRequest, "the request transformation rendered an invalid :authority");
                }

                exchange.UpstreamHost = value;
                return null;
        }

        request.Headers.Remove(name);
        if (value.Length == 0)
        {
            return null;
        }

        if (!IsValidHeaderValue(value))
        {
            return InvalidHeader(response: false, name);
        }

        request.Headers[name] = value;
        return null;
    }

    private static TransformError? SetResponseHeader(HttpResponse response, string name, string value)
    {
        if (name == MessageHeaders.Status)
        {
            if (!int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var status) || status < 200 || status > 599)
            {
                return new TransformError(StatusCodes.Status500InternalServerError, $"the response transformation rendered an invalid :status '{value}'");
            }

            response.StatusCode = status;
            return null;
        }

        response.Headers.Remove(name);
        if (value.Length == 0)
        {
            return null;
        }

        if (!IsValidHeaderValue(value))
        {
            return InvalidHeader(response: true, name);
        }

        response.Headers[name] = value;
        return null;
    }

    private static bool IsToken(string value)
    {
        foreach (var c in value)
        {
            if (!(char.IsAsciiLetterOrDigit(c) || "!#$%&'*+-.^_`|~".Contains(c, StringComparison.Ordinal)))
            {
                return false;
            }
        }

        return true;
    }
}
