using System.Text.RegularExpressions;

namespace Sluice.Gateway.Routing;

internal enum PathMatchKind
{
    Prefix,
    Exact,
    Regex,

    /// <summary>Kubernetes Ingress <c>Prefix</c>: whole path elements, case-sensitive (<see cref="ElementPrefix"/>).</summary>
    ElementPrefix,
}

/// <summary>
/// One compiled Gloo matcher: a path condition AND every header, query and method condition. Compiled once per
/// snapshot; matching does no allocation beyond what reading request headers costs.
/// </summary>
internal sealed class RouteCondition
{
    public required PathMatchKind PathKind { get; init; }

    public required string Path { get; init; }

    public Regex? PathRegex { get; init; }

    public bool CaseSensitive { get; init; } = true;

    public HeaderCondition[] Headers { get; init; } = [];

    public QueryCondition[] QueryParameters { get; init; } = [];

    public string[] Methods { get; init; } = [];

    /// <summary>A delegated regex child must also lie under its parent's prefixes (any of them).</summary>
    public string[] ParentPrefixes { get; init; } = [];

    public bool Matches(HttpRequest request, string path, out int matchedLength)
    {
        matchedLength = 0;
        var comparison = CaseSensitive ? StringComparison.Ordinal : StringComparison.OrdinalIgnoreCase;
        switch (PathKind)
        {
            case PathMatchKind.Prefix:
                if (!path.StartsWith(Path, comparison))
                {
                    return false;
                }

                matchedLength = Path.Length;
                break;
            case PathMatchKind.ElementPrefix:
                if (!ElementPrefix.Matches(path, Path))
                {
                    return false;
                }

                matchedLength = Path.Length;
                break;
            case PathMatchKind.Exact:
                if (!string.Equals(path, Path, comparison))
                {
                    return false;
                }

                matchedLength = path.Length;
                break;
            default:
                if (!PathRegex!.IsMatch(path))
                {
                    return false;
                }

                matchedLength = path.Length;
                break;
        }

        if (ParentPrefixes.Length > 0 && !StartsWithAny(path, ParentPrefixes))
        {
            return false;
        }

        if (Methods.Length > 0 && !ContainsMethod(request.Method))
        {
            return false;
        }

        foreach (var header in Headers)
        {
            if (!header.Matches(request.Headers))
            {
                return false;
            }
        }

        foreach (var query in QueryParameters)
        {
            if (!query.Matches(request.Query))
            {
                return false;
            }
        }

        return true;
    }

    private static bool StartsWithAny(string path, string[] prefixes)
    {
        foreach (var prefix in prefixes)
        {
            if (path.StartsWith(prefix, StringComparison.Ordinal))
            {
                return true;
            }
        }

        return false;
    }

    private bool ContainsMethod(string method)
    {
        foreach (var candidate in Methods)
        {
            if (string.Equals(candidate, method, StringComparison.Ordinal))
            {
                return true;
            }
        }

        return false;
    }

    public string Describe()
    {
        var shown = PathKind == PathMatchKind.ElementPrefix && Path.Length == 0 ? "/" : Path;
        var parts = new List<string> { $"{PathKind.ToString().ToLowerInvariant()} {shown}{(CaseSensitive ? string.Empty : " (case-insensitive)")}" };
        if (ParentPrefixes.Length > 0)
        {
            parts.Add($"under {string.Join('|', ParentPrefixes)}");
        }

        if (Methods.Length > 0)
        {
            parts.Add($"methods {string.Join(',', Methods)}");
        }

        parts.AddRange(Headers.Select(h => h.Describe()));
        parts.AddRange(QueryParameters.Select(q => q.Describe()));
        return string.Join(" and ", parts);
    }
}
