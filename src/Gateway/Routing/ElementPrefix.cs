namespace Sluice.Gateway.Routing;

/// <summary>
/// Kubernetes' <c>pathType: Prefix</c>: the request path is split by '/' and the rule's elements must be a prefix of
/// the request's, compared case-sensitively. <c>/foo</c> matches <c>/foo</c>, <c>/foo/</c> and <c>/foo/bar</c>, never
/// <c>/foobar</c>. The rule is stored without its trailing '/' (so <c>/foo/</c> also matches <c>/foo</c>, and
/// <c>/</c> is the empty string, matching everything). No allocation: one ordinal comparison and one character.
/// </summary>
internal static class ElementPrefix
{
    /// <param name="path">The normalized request path.</param>
    /// <param name="prefix">The rule's path without trailing '/'; empty for <c>/</c>.</param>
    public static bool Matches(string path, string prefix) =>
        path.StartsWith(prefix, StringComparison.Ordinal) && (path.Length == prefix.Length || path[prefix.Length] == '/');
}
