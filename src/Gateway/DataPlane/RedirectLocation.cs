using System.Text;
using Sluice.Discovery.Model;

namespace Sluice.Gateway.DataPlane;

/// <summary>
/// Builds a redirect's Location as Envoy does. Every part comes from configuration or the normalized request, and
/// the host is validated as a plain host at load time, so a request cannot steer the redirect to another origin.
/// </summary>
internal static class RedirectLocation
{
    public static string Build(RedirectAction action, HttpRequest request, string path, int matchedLength, bool listenerIsTls)
    {
        var scheme = action.HttpsRedirect ? "https" : listenerIsTls ? "https" : "http";
        var requestHost = request.Host;
        var host = action.HostRedirect ?? requestHost.Host;
        int? port = action.PortRedirect is { } explicitPort ? (int)explicitPort
            : action.HttpsRedirect ? null
            : action.HostRedirect is null ? requestHost.Port : null;

        string newPath;
        if (action.PathRedirect is { } replacement)
        {
            newPath = replacement;
        }
        else if (action.PrefixRewrite is { } prefix)
        {
            var rest = path[Math.Min(matchedLength, path.Length)..];
            var effective = prefix.Length == 0 ? "/" : prefix;
            newPath = effective.EndsWith('/') && rest.StartsWith('/') ? effective + rest[1..] : effective + rest;
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
        if (!action.StripQuery && action.PathRedirect?.Contains('?') != true && request.QueryString.HasValue)
        {
            location.Append(request.QueryString.Value);
        }

        return location.ToString();
    }
}
