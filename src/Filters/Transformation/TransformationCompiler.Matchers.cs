using System.Globalization;
using System.Text.RegularExpressions;

namespace Sluice.Filters.Transformation;

/// <summary>The request and response conditions of staged transformations.</summary>
internal sealed partial class TransformationCompiler
{
    private RequestCondition Condition(TransformationMatcher matcher, string path)
    {
        var caseSensitive = matcher.CaseSensitive ?? true;
        var paths = (matcher.Prefix is null ? 0 : 1) + (matcher.Exact is null ? 0 : 1) + (matcher.Regex is null ? 0 : 1);
        if (paths > 1)
        {
            diagnostics.Error(path, "set only one of prefix, exact and regex");
        }

        foreach (var (value, field) in new[] { (matcher.Prefix, "prefix"), (matcher.Exact, "exact") })
        {
            if (value is not null && (value.Length == 0 || value[0] != '/'))
            {
                diagnostics.Error($"{path}.{field}", $"{field} must start with '/', got '{value}'");
            }
        }

        Regex? pathRegex = null;
        if (matcher.Regex is not null && !LinearRegex.TryCreate(matcher.Regex, caseSensitive, wholeString: true, out pathRegex, out var regexError))
        {
            diagnostics.Error($"{path}.regex", regexError);
        }

        var headers = new MessageHeaderCondition[matcher.Headers.Count];
        for (var i = 0; i < matcher.Headers.Count; i++)
        {
            headers[i] = Header(matcher.Headers[i], $"{path}.headers[{i}]");
        }

        var queries = new QueryParameterCondition[matcher.QueryParameters.Count];
        for (var i = 0; i < matcher.QueryParameters.Count; i++)
        {
            var query = matcher.QueryParameters[i];
            Regex? queryRegex = null;
            if (query.Regex && !LinearRegex.TryCreate(query.Value ?? string.Empty, caseSensitive: true, wholeString: true, out queryRegex, out var queryError))
            {
                diagnostics.Error($"{path}.queryParameters[{i}].value", queryError);
            }

            queries[i] = new QueryParameterCondition(query.Name, query.Value, queryRegex);
        }

        for (var i = 0; i < matcher.Methods.Count; i++)
        {
            if (!IsToken(matcher.Methods[i]))
            {
                diagnostics.Error($"{path}.methods[{i}]", $"'{matcher.Methods[i]}' is not a valid HTTP method");
            }
        }

        return new RequestCondition
        {
            Prefix = matcher.Prefix,
            Exact = matcher.Exact,
            PathRegex = pathRegex,
            CaseSensitive = caseSensitive,
            Headers = headers,
            QueryParameters = queries,
            Methods = [.. matcher.Methods],
        };
    }

    private MessageHeaderCondition Header(TransformationHeaderMatcher matcher, string path)
    {
        Regex? regex = null;
        if (matcher.Regex && !LinearRegex.TryCreate(matcher.Value ?? string.Empty, caseSensitive: true, wholeString: true, out regex, out var error))
        {
            diagnostics.Error($"{path}.value", error);
        }

        if (matcher.Name.Length == 0)
        {
            diagnostics.Error($"{path}.name", "header matcher name must not be empty");
        }

        return new MessageHeaderCondition(matcher.Name.ToLower(CultureInfo.InvariantCulture), matcher.Value, regex, matcher.InvertMatch);
    }
}
