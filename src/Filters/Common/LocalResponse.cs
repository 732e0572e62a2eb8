using Microsoft.AspNetCore.Http;

namespace Sluice.Filters;

/// <summary>A short plain-text response a filter writes itself (401, 403, 429...), ending the request there.</summary>
public static class LocalResponse
{
    public static async ValueTask<FilterVerdict> WriteAsync(HttpContext context, int status, byte[] body)
    {
        var response = context.Response;
        response.StatusCode = status;
        response.ContentType = "text/plain; charset=utf-8";
        response.ContentLength = body.Length;
        await response.Body.WriteAsync(body, context.RequestAborted).ConfigureAwait(false);
        return FilterVerdict.Handled;
    }
}
