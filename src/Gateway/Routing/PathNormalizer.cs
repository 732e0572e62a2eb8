namespace Sluice.Gateway.Routing;

/// <summary>
/// The one normalized path used for routing, policy and the forwarded request. Kestrel has already decoded
/// percent-escapes except <c>%2F</c>, and removed dot segments; this merges <c>//</c>, removes any dot segment left,
/// and refuses encoded slashes and backslashes, so that <c>/public/..%2fadmin</c> cannot reach a route that
/// another policy guards. A path that is already normal is returned as is, without allocating.
/// </summary>
internal static class PathNormalizer
{
    public static bool TryNormalize(string path, out string normalized)
    {
        normalized = path;
        if (path.Length == 0)
        {
            normalized = "/";
            return true;
        }

        if (path[0] != '/')
        {
            return false;
        }

        var needsWork = false;
        for (var i = 0; i < path.Length; i++)
        {
            var c = path[i];
            if (c == '\\' || c == '\0')
            {
                return false;
            }

            if (c == '%' && i + 2 < path.Length && path[i + 1] == '2' && (path[i + 2] is 'f' or 'F'))
            {
                return false;
            }

            if (c == '%' && i + 2 < path.Length && path[i + 1] == '5' && (path[i + 2] is 'c' or 'C'))
            {
                return false;
            }

            if (c == '/' && i + 1 < path.Length && (path[i + 1] == '/' || path[i + 1] == '.'))
            {
                needsWork = true;
            }
        }

        if (!needsWork)
        {
            return true;
        }

        normalized = Rebuild(path);
        return true;
    }

    /// <summary>Whether the path holds <c>%2F</c> or <c>%5C</c> (Kestrel leaves <c>%2F</c> encoded; the rest it decodes).</summary>
    public static bool HasEscapedSlash(string path) =>
        path.Contains("%2F", StringComparison.OrdinalIgnoreCase) || path.Contains("%5C", StringComparison.OrdinalIgnoreCase);

    /// <summary>Envoy's UNESCAPE_*: <c>%2F</c> becomes '/', <c>%5C</c> becomes '' (which normalization still refuses).</summary>
    public static string UnescapeSlashes(string path) => path
        .Replace("%2F", "/", StringComparison.OrdinalIgnoreCase)
        .Replace("%5C", "\\", StringComparison.OrdinalIgnoreCase);

    private static string Rebuild(string path)
    {
        var segments = new List<string>();
        var trailingSlash = path.EndsWith('/') || path.EndsWith("/.", StringComparison.Ordinal) || path.EndsWith("/..", StringComparison.Ordinal);
        foreach (var segment in path.Split('/'))
        {
            if (segment.Length == 0 || segment == ".")
            {
                continue;
            }

            if (segment == "..")
            {
                if (segments.Count > 0)
                {
                    segments.RemoveAt(segments.Count - 1);
                }

                continue;
            }

            segments.Add(segment);
        }

        var result = "/" + string.Join('/', segments);
        return trailingSlash && segments.Count > 0 ? result + "/" : result;
    }
}
