using System.Text.RegularExpressions;
using Microsoft.Extensions.Primitives;

namespace Sluice.Gateway.Routing;

/// <summary>
/// Gloo's header matcher: an empty value means "present"; a regex must match the whole value; invertMatch negates
/// the result, including presence (Envoy's <c>invert_match</c>). Several values of one header are tested joined
/// by commas, as Envoy does.
/// </summary>
internal sealed class HeaderCondition(string name, string? value, Regex? regex, bool invert)
{
    public bool Matches(IHeaderDictionary headers)
    {
        var values = headers[name];
        bool matched;
        if (StringValues.IsNullOrEmpty(values))
        {
            matched = false;
        }
        else if (regex is not null)
        {
            matched = regex.IsMatch(values.Count == 1 ? values[0]! : values.ToString());
        }
        else if (string.IsNullOrEmpty(value))
        {
            matched = true;
        }
        else
        {
            matched = values.Count == 1 ? string.Equals(values[0], value, StringComparison.Ordinal) : values.ToString() == value;
        }

        return matched != invert;
    }

    public string Describe() =>
        $"{(invert ? "not " : string.Empty)}header {name}{(regex is not null ? $" ~ {value}" : string.IsNullOrEmpty(value) ? " present" : $" = {value}")}";
}

/// <summary>Gloo's query parameter matcher: an empty value means "present"; a regex must match the whole value.</summary>
internal sealed class QueryCondition(string name, string? value, Regex? regex)
{
    public bool Matches(IQueryCollection query)
    {
        if (!query.TryGetValue(name, out var values))
        {
            return false;
        }

        var actual = values.Count > 0 ? values[0] ?? string.Empty : string.Empty;
        return regex is not null ? regex.IsMatch(actual)
            : string.IsNullOrEmpty(value) || string.Equals(actual, value, StringComparison.Ordinal);
    }

    public string Describe() =>
        $"query {name}{(regex is not null ? $" ~ {value}" : string.IsNullOrEmpty(value) ? " present" : $" = {value}")}";
}
