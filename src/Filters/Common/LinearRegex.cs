using System.Diagnostics.CodeAnalysis;
using System.Text.RegularExpressions;

namespace Sluice.Filters;

/// <summary>
/// The only way Sluice builds a regex from configuration: the non-backtracking engine (linear time in the input,
/// as RE2 in Envoy), a size limit, and errors worded for the user. Nothing compiles a regex at request time.
/// </summary>
public static class LinearRegex
{
    /// <summary>Longer patterns are refused: RE2's program-size limit serves the same purpose in Envoy.</summary>
    public const int MaxPatternLength = 2048;

    private static string Shorten(string pattern) => pattern.Length <= 80 ? pattern : string.Concat(pattern.AsSpan(0, 77), "...");

    public static bool TryCreate(
        string pattern,
        bool caseSensitive,
        bool wholeString,
        [NotNullWhen(true)] out Regex? regex,
        [NotNullWhen(false)] out string? error)
    {
        regex = null;
        if (pattern.Length > MaxPatternLength)
        {
            error = $"regex is {pattern.Length} characters long; the limit is {MaxPatternLength}";
            return false;
        }

        var options = RegexOptions.NonBacktracking | RegexOptions.CultureInvariant;
        if (!caseSensitive)
        {
            options |= RegexOptions.IgnoreCase;
        }

        try
        {
            // Parse the pattern alone first: wrapped, '/api)|(/admin' would become a valid alternation.
            var alone = new Regex(pattern, options);
            // \A and \z, not ^ and $: .NET's $ also matches before a final newline, so '/admin' would match "/admin\n".
            regex = wholeString ? new Regex($"\\A(?:{pattern})\\z", options) : alone;
            error = null;
            return true;
        }
        catch (NotSupportedException ex) when (ex.Message.Contains("in conjunction with", StringComparison.Ordinal))
        {
            error = $"regex '{Shorten(pattern)}' needs backtracking, which Sluice does not allow (no backreferences, lookarounds or atomic groups): {ex.Message}";
            return false;
        }
        catch (NotSupportedException ex)
        {
            error = $"regex '{Shorten(pattern)}' is too complex for the linear-time engine; simplify it (fewer or smaller counted repetitions): {ex.Message}";
            return false;
        }
        catch (ArgumentException ex)
        {
            error = $"invalid regex '{pattern}': {ex.Message}";
            return false;
        }
    }
}
