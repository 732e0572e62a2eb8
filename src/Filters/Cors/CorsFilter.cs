using System.Text;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Primitives;

namespace Sluice.Filters.Cors;

/// <summary>
/// Envoy's CORS filter. A preflight (<c>OPTIONS</c> with <c>Origin</c> and <c>Access-Control-Request-Method</c>)
/// from an allowed origin is answered here with 200 and never reaches the route; one from any other origin is
/// forwarded like any request, as Envoy does by default. Other requests from an allowed origin get
/// <c>Access-Control-Allow-Origin</c> (the origin itself, never <c>*</c>), credentials and exposed headers on the
/// response, whatever produced it. Requests without <c>Origin</c> are untouched.
/// </summary>
internal sealed class CorsFilter : HttpFilter
{
    private readonly CorsOriginMatcher _origins;
    private readonly string? _allowMethods;
    private readonly string? _allowHeaders;
    private readonly string? _exposeHeaders;
    private readonly string? _maxAge;
    private readonly bool _allowCredentials;

    /// <param name="maxAgeSeconds">Already normalized to whole seconds; null when not set.</param>
    public CorsFilter(CorsPolicy policy, string? maxAgeSeconds)
    {
        _origins = new CorsOriginMatcher(policy.AllowOrigin, policy.AllowOriginRegex);
        _allowMethods = Join(policy.AllowMethods);
        _allowHeaders = Join(policy.AllowHeaders);
        _exposeHeaders = Join(policy.ExposeHeaders);
        _maxAge = maxAgeSeconds;
        _allowCredentials = policy.AllowCredentials;
    }

    public override FilterStage Stage => FilterStage.Cors;

    public override ValueTask<FilterVerdict> OnRequestAsync(ProxyExchange exchange)
    {
        var request = exchange.HttpContext.Request;
        var origin = request.Headers.Origin.ToString();
        if (origin.Length == 0)
        {
            return new(FilterVerdict.Continue);
        }

        var allowed = _origins.IsAllowed(origin);
        if (HttpMethods.IsOptions(request.Method))
        {
            var requestedMethod = request.Headers.AccessControlRequestMethod.ToString();
            if (requestedMethod.Length > 0)
            {
                if (!allowed)
                {
                    return new(FilterVerdict.Continue);
                }

                AnswerPreflight(exchange.HttpContext, origin, requestedMethod);
                return new(FilterVerdict.Handled);
            }
        }

        if (allowed)
        {
            exchange.SetState(this, origin);
        }

        return new(FilterVerdict.Continue);
    }

    public override void OnResponseHeaders(ProxyExchange exchange)
    {
        if (exchange.GetState<string>(this) is not { } origin)
        {
            return;
        }

        var headers = exchange.HttpContext.Response.Headers;
        headers.AccessControlAllowOrigin = origin;
        if (_allowCredentials)
        {
            headers.AccessControlAllowCredentials = "true";
        }

        if (_exposeHeaders is not null)
        {
            headers.AccessControlExposeHeaders = _exposeHeaders;
        }

        AddVaryOrigin(headers);
    }

    public override string Describe()
    {
        var builder = new StringBuilder("cors origins [").Append(_origins).Append(']');
        Describe(builder, "methods", _allowMethods);
        Describe(builder, "headers", _allowHeaders);
        Describe(builder, "expose", _exposeHeaders);
        Describe(builder, "maxAge", _maxAge);
        if (_allowCredentials)
        {
            builder.Append(" credentials");
        }

        return builder.ToString();
    }

    private void AnswerPreflight(HttpContext context, string origin, string requestedMethod)
    {
        var response = context.Response;
        response.StatusCode = StatusCodes.Status200OK;
        var headers = response.Headers;
        headers.AccessControlAllowOrigin = origin;
        if (_allowCredentials)
        {
            headers.AccessControlAllowCredentials = "true";
        }

        // Envoy echoes what the browser asked for only when the configured value is exactly "*".
        if (_allowMethods is not null)
        {
            headers.AccessControlAllowMethods = _allowMethods == "*" ? requestedMethod : _allowMethods;
        }

        if (_allowHeaders is not null)
        {
            var value = _allowHeaders == "*" ? context.Request.Headers.AccessControlRequestHeaders.ToString() : _allowHeaders;
            if (value.Length > 0)
            {
                headers.AccessControlAllowHeaders = value;
            }
        }

        if (_maxAge is not null)
        {
            headers.AccessControlMaxAge = _maxAge;
        }

        AddVaryOrigin(headers);
        response.ContentLength = 0;
    }

    // The allowed origin is echoed, so a shared cache must key the response by Origin (Envoy leaves this out).
    private static void AddVaryOrigin(IHeaderDictionary headers)
    {
        var vary = headers.Vary;
        foreach (var value in vary)
        {
            var span = value.AsSpan();
            foreach (var range in span.Split(','))
            {
                var token = span[range].Trim();
                if (token.Equals("origin", StringComparison.OrdinalIgnoreCase) || token.SequenceEqual("*"))
                {
                    return;
                }
            }
        }

        headers.Vary = vary.Count == 0 ? new StringValues("Origin") : StringValues.Concat(vary, "Origin");
    }

    private static string? Join(IReadOnlyList<string> values) => values.Count == 0 ? null : string.Join(',', values);

    private static void Describe(StringBuilder builder, string name, string? value)
    {
        if (value is not null)
        {
            builder.Append(' ').Append(name).Append('=').Append(value);
        }
    }
}
