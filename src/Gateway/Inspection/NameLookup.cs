namespace Sluice.Gateway.Inspection;

/// <summary>
/// How a user names things on the command line: the full name, or any unique suffix of it (case-insensitive), so
/// <c>petstore/0</c> or <c>get-pets</c> is enough. When a name fits several things, they are all listed.
/// </summary>
internal static class NameLookup
{
    /// <summary>
    /// The items <paramref name="query"/> names: those with an exact name when there are any, else those with a name
    /// ending in the query. Each item may have several names (a route has its key and its name).
    /// </summary>
    public static IReadOnlyList<T> Find<T>(IEnumerable<T> items, Func<T, IEnumerable<string>> names, string query)
    {
        var all = items.ToList();
        var exact = all.Where(item => names(item).Any(name => string.Equals(name, query, StringComparison.Ordinal))).ToList();
        if (exact.Count > 0)
        {
            return exact;
        }

        return [.. all.Where(item => names(item).Any(name => name.EndsWith(query, StringComparison.OrdinalIgnoreCase)))];
    }
}
