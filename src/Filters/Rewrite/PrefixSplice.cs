namespace Sluice.Filters.Rewrite;

/// <summary>
/// Envoy's prefix rewrite: the part of the path the matcher consumed is replaced. Shared by the <c>prefixRewrite</c>
/// route option and the redirect action's <c>prefixRewrite</c>, which must agree.
/// </summary>
public static class PrefixSplice
{
    /// <param name="replacement">The configured value; empty means <c>/</c>, as in Gloo.</param>
    public static string Apply(string path, int matchedLength, string replacement)
    {
        if (replacement.Length == 0)
        {
            replacement = "/";
        }

        var rest = path.AsSpan(Math.Min(matchedLength, path.Length));

        // "/api" rewritten to "/" on "/api/users" would give "//users" under Envoy's literal splice;
        // every Gloo user who writes that means "/users".
        if (replacement.EndsWith('/') && rest.StartsWith('/'))
        {
            rest = rest[1..];
        }

        return rest.IsEmpty ? replacement : string.Concat(replacement, rest);
    }
}
