using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Http;

namespace Sluice.Filters.Transformation;

/// <summary>
/// A header condition of a staged transformation, on request or response headers (<c>:status</c> included): no value
/// means "present", a regex matches the whole value, <c>invertMatch</c> negates the result, as Envoy's header matcher.
/// </summary>
internal sealed class MessageHeaderCondition(string name, string? value, Regex? regex, bool invert)
{
    public bool Matches(string? actual)
    {
        bool matched;
        if (string.IsNullOrEmpty(actual))
        {
            matched = false;
        }
        else if (regex is not null)
        {
            matched = regex.IsMatch(actual);
        }
        else
        {
            matched = string.IsNullOrEmpty(value) || string.Equals(actual, value, StringComparison.Ordinal);
        }

        return matched != invert;
    }

    public bool MatchesRequest(ProxyExchange exchange) => Matches(MessageHeaders.Request(exchange, name));

    public bool MatchesResponse(HttpResponse response) => Matches(MessageHeaders.Response(response, name));

    public string Describe() =>
        $"{(invert ? "not " : string.Empty)}{name}{(regex is not null ? $" ~ {value}" : string.IsNullOrEmpty(value) ? " present" : $" = {value}")}";
}

/// <summary>A query parameter condition: no value means "present"; a regex matches the whole value.</summary>
internal sealed class QueryParameterCondition(string name, string? value, Regex? regex)
{
    public bool Matches(IQueryCollection query)
    {
        if (!query.TryGetValue(name, out var values))
        {
            return false;
        }

        var actual = values.Count > 0 ? values[0] ?? string.Empty : string.Empty;
        return regex is not null ? regex.IsMatch(actual) : string.IsNullOrEmpty(value) || string.Equals(actual, value, StringComparison.Ordinal);
    }

    public string Describe() => $"query {name}{(regex is not null ? $" ~ {value}" : string.IsNullOrEmpty(value) ? " present" : $" = {value}")}";
}

/// <summary>
/// Gloo's route matcher as a request transformation's condition: prefix, exact or whole-path regex on the normalized
/// path (as an earlier stage may have rewritten it, since Envoy's later filter sees the earlier one's :path), and every
/// header, query parameter and method condition.
/// </summary>
internal sealed class RequestCondition
{
    public string? Prefix { get; init; }

    public string? Exact { get; init; }

    public Regex? PathRegex { get; init; }

    public bool CaseSensitive { get; init; } = true;

    public MessageHeaderCondition[] Headers { get; init; } = [];

    public QueryParameterCondition[] QueryParameters { get; init; } = [];

    public string[] Methods { get; init; } = [];

    public bool Matches(ProxyExchange exchange)
    {
        var path = exchange.UpstreamPath;
        var comparison = CaseSensitive ? StringComparison.Ordinal : StringComparison.OrdinalIgnoreCase;
        if (Exact is not null ? !string.Equals(path, Exact, comparison)
            : PathRegex is not null ? !PathRegex.IsMatch(path)
            : Prefix is not null && !path.StartsWith(Prefix, comparison))
        {
            return false;
        }

        if (Methods.Length > 0 && Array.IndexOf(Methods, exchange.HttpContext.Request.Method) < 0)
        {
            return false;
        }

        foreach (var header in Headers)
        {
            if (!header.MatchesRequest(exchange))
            {
                return false;
            }
        }

        foreach (var query in QueryParameters)
        {
            if (!query.Matches(exchange.HttpContext.Request.Query))
            {
                return false;
            }
        }

        return true;
    }

    public string Describe()
    {
        var parts = new List<string>
        {
            Exact is not null ? $"exact {Exact}" : PathRegex is not null ? $"regex {PathRegex}" : $"prefix {Prefix ?? "/"}",
        };
        if (Methods.Length > 0)
        {
            parts.Add($"methods {string.Join(',', Methods)}");
        }

        parts.AddRange(Headers.Select(h => h.Describe()));
        parts.AddRange(QueryParameters.Select(q => q.Describe()));
        return string.Join(" and ", parts);
    }
}
