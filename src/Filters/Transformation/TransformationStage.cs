using Microsoft.AspNetCore.Http;

namespace Sluice.Filters.Transformation;

/// <summary>One request entry of a stage: an optional condition, and what it does to the request and to its response.</summary>
internal sealed record RequestRule(RequestCondition? Condition, CompiledTransformation? Request, CompiledTransformation? Response);

/// <summary>One response entry of a stage: every header condition must hold on the response.</summary>
internal sealed record ResponseRule(MessageHeaderCondition[] Matchers, CompiledTransformation? Response);

/// <summary>
/// One of Gloo's stages (<c>early</c> or <c>regular</c>): the first request entry that matches applies; its response
/// transformation, if it has one, applies to the response, otherwise the first response entry that matches does.
/// </summary>
internal sealed class TransformationStage(RequestRule[] requests, ResponseRule[] responses)
{
    public RequestRule[] Requests { get; } = requests;

    public ResponseRule[] Responses { get; } = responses;

    public RequestRule? MatchRequest(ProxyExchange exchange)
    {
        foreach (var rule in Requests)
        {
            if (rule.Condition is null || rule.Condition.Matches(exchange))
            {
                return rule;
            }
        }

        return null;
    }

    public CompiledTransformation? MatchResponse(HttpResponse response)
    {
        foreach (var rule in Responses)
        {
            var matched = true;
            foreach (var matcher in rule.Matchers)
            {
                if (!matcher.MatchesResponse(response))
                {
                    matched = false;
                    break;
                }
            }

            if (matched)
            {
                return rule.Response;
            }
        }

        return null;
    }

    public string Describe()
    {
        var parts = new List<string>();
        foreach (var rule in Requests)
        {
            var when = rule.Condition is null ? "always" : rule.Condition.Describe();
            parts.Add($"request [{when}]{(rule.Request is null ? string.Empty : $" {{{rule.Request.Describe()}}}")}{(rule.Response is null ? string.Empty : $" response {{{rule.Response.Describe()}}}")}");
        }

        foreach (var rule in Responses)
        {
            var when = rule.Matchers.Length == 0 ? "always" : string.Join(" and ", rule.Matchers.Select(m => m.Describe()));
            parts.Add($"response [{when}]{(rule.Response is null ? string.Empty : $" {{{rule.Response.Describe()}}}")}");
        }

        return string.Join(", ", parts);
    }
}
