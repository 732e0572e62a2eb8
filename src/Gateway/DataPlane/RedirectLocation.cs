using System.Text;
using Sluice.Discovery.Model;
using Sluice.Filters.Rewrite;

namespace Sluice.Gateway.DataPlane;

/// <summary>
/// Builds a redirect's Location as Envoy does. Every part comes from configuration or the normalized request, and
/// the host is validated as a plain host at load time, so a request cannot steer the redirect to another origin.
/// </summary>
internal static class RedirectLocation
{
    /// <summary>
    /// Envoy keeps the request's port on a scheme change unless it was the old scheme's default: http://h:8080 goes
    /// to https://h:8080, http://h:80 to https://h.
    /// </summary>
    private static int? KeepRequestPort(int? requestPort, string requestScheme, string newScheme) =>
        requestPort is { } port && newScheme != requestScheme
            && ((requestScheme == "http" && port == 80) || (requestScheme == "https" && port == 443))
            ? null
            : requestPort;

    public static string Build(RedirectAction action, HttpRequest request, string path, int matchedLength, bool listenerIsTls)
    {
        var scheme = action.HttpsRedirect ? "https" : listenerIsTls ? "https" : "http";
        var requestHost = request.Host;
        var host = action.HostRedirect ?? requestHost.Host;
        int? port = action.PortRedirect is { } explicitPort ? (int)explicitPort
            : action.HostRedirect is not null ? null
            : KeepRequestPort(requestHost.Port, request.Scheme, scheme);

        string newPath;
        string? redirectQuery = null;
        if (action.PathRedirect is { } replacement)
        {
            // Envoy: a query written in pathRedirect replaces the request's (even with stripQuery); only the path
            // part is escaped, or its '?' would become %3F and the query part of the path.
            var question = replacement.IndexOf('?', StringComparison.Ordinal);
            newPath = question < 0 ? replacement : replacement[..question];
            redirectQuery = question < 0 ? null : replacement[question..];
        }
        else if (action.PrefixRewrite is { } prefix)
        {
            newPath = PrefixSplice.Apply(path, matchedLength, prefix);
        }
        else
        {
            newPath = path;
        }

        var location = new StringBuilder(scheme.Length + host.Length + newPath.Length + 16)
            .Append(scheme).Append("://").Append(host);
        if (port is { } p && !(p == 80 && scheme == "http") && !(p == 443 && scheme == "https"))
        {
            location.Append(':').Append(p);
        }

        location.Append(new PathString(newPath).ToUriComponent());
        if (redirectQuery is not null)
        {
            location.Append(redirectQuery);
        }
        else if (!action.StripQuery && request.QueryString.HasValue)
        {
            location.Append(request.QueryString.Value);
        }

        return location.ToString();
    }
}
