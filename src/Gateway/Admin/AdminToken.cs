using System.Security.Cryptography;
using System.Text;

namespace Sluice.Gateway.Admin;

/// <summary>
/// Guards the admin API with a bearer token. Liveness and readiness stay open for probes; everything else (the
/// configuration, inspection, the dashboard, metrics) needs the token, compared in constant time.
/// </summary>
internal static class AdminToken
{
    public static Func<HttpContext, RequestDelegate, Task> Require(string token)
    {
        var expected = Encoding.UTF8.GetBytes("Bearer " + token);
        return (context, next) =>
        {
            var path = context.Request.Path;
            if (path == "/healthz" || path == "/readyz")
            {
                return next(context);
            }

            var given = Encoding.UTF8.GetBytes(context.Request.Headers.Authorization.ToString());
            if (CryptographicOperations.FixedTimeEquals(given, expected))
            {
                return next(context);
            }

            context.Response.StatusCode = StatusCodes.Status401Unauthorized;
            context.Response.Headers.WWWAuthenticate = "Bearer realm=\"sluice-admin\"";
            return Task.CompletedTask;
        };
    }
}
