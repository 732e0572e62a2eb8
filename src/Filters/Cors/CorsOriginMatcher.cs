using System.Collections.Frozen;
using System.Text.RegularExpressions;

namespace Sluice.Filters.Cors;

/// <summary>
/// Decides whether an <c>Origin</c> is allowed: exact origins (case-sensitive, as Gloo's exact string matchers),
/// then regexes that must match the whole origin. As in Envoy, an entry that matches the literal <c>*</c> allows
/// every origin.
/// </summary>
internal sealed class CorsOriginMatcher
{
    private readonly FrozenSet<string> _exact;
    private readonly Regex[] _regexes;
    private readonly bool _allowsAny;
    private readonly string _description;

    /// <param name="regexPatterns">Already validated; an invalid one here is a bug in validation.</param>
    public CorsOriginMatcher(IReadOnlyList<string> exact, IReadOnlyList<string> regexPatterns)
    {
        _exact = exact.ToFrozenSet(StringComparer.Ordinal);
        _regexes = new Regex[regexPatterns.Count];
        for (var i = 0; i < regexPatterns.Count; i++)
        {
            if (!LinearRegex.TryCreate(regexPatterns[i], caseSensitive: true, wholeString: true, out var regex, out var error))
            {
                throw new InvalidOperationException($"cors allowOriginRegex was not validated: {error}");
            }

            _regexes[i] = regex;
        }

        _allowsAny = IsMatch("*");
        _description = string.Join(", ", [.. exact, .. regexPatterns.Select(p => $"/{p}/")]);
    }

    public bool IsAllowed(string origin) => _allowsAny || IsMatch(origin);

    public override string ToString() => _description;

    private bool IsMatch(string origin)
    {
        if (_exact.Contains(origin))
        {
            return true;
        }

        foreach (var regex in _regexes)
        {
            if (regex.IsMatch(origin))
            {
                return true;
            }
        }

        return false;
    }
}
