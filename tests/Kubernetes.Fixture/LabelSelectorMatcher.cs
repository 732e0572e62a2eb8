using System.Text.Json.Nodes;

namespace Sluice.Kubernetes.Fixture;

/// <summary>
/// Kubernetes' label selector string syntax (<c>a=b,c!=d,e,!f,g in (x,y),h notin (z)</c>) and the field selectors
/// every kind supports (<c>metadata.name</c>, <c>metadata.namespace</c>, with <c>=</c>, <c>==</c>, <c>!=</c>).
/// </summary>
internal sealed class LabelSelectorMatcher
{
    private readonly List<Func<JsonObject, bool>> _requirements = [];

    private LabelSelectorMatcher()
    {
    }

    public static LabelSelectorMatcher Labels(string? selector)
    {
        var matcher = new LabelSelectorMatcher();
        foreach (var term in SplitTerms(selector))
        {
            matcher._requirements.Add(LabelRequirement(term));
        }

        return matcher;
    }

    public static LabelSelectorMatcher Fields(string? selector)
    {
        var matcher = new LabelSelectorMatcher();
        foreach (var term in SplitTerms(selector))
        {
            var negated = term.Contains("!=", StringComparison.Ordinal);
            var parts = term.Split(negated ? "!=" : term.Contains("==", StringComparison.Ordinal) ? "==" : "=", 2);
            if (parts.Length != 2)
            {
                throw new FormatException($"invalid field selector term '{term}'");
            }

            var path = parts[0].Trim().Split('.');
            var wanted = parts[1].Trim();
            matcher._requirements.Add(o => (Read(o, path) == wanted) != negated);
        }

        return matcher;
    }

    public bool Matches(JsonObject item)
    {
        foreach (var requirement in _requirements)
        {
            if (!requirement(item))
            {
                return false;
            }
        }

        return true;
    }

    private static string? Read(JsonObject item, string[] path)
    {
        JsonNode? node = item;
        foreach (var part in path)
        {
            node = node is JsonObject o ? o[part] : null;
        }

        return node is JsonValue value && value.TryGetValue<string>(out var text) ? text : node?.ToJsonString();
    }

    private static Func<JsonObject, bool> LabelRequirement(string term)
    {
        string? Label(JsonObject o, string key) => o["metadata"]?["labels"]?[key]?.GetValue<string>();
        var trimmed = term.Trim();
        var notIn = trimmed.IndexOf(" notin ", StringComparison.Ordinal);
        var @in = trimmed.IndexOf(" in ", StringComparison.Ordinal);
        if (notIn > 0 || @in > 0)
        {
            var at = notIn > 0 ? notIn : @in;
            var key = trimmed[..at].Trim();
            var set = trimmed[(at + (notIn > 0 ? 7 : 4))..].Trim().TrimStart('(').TrimEnd(')')
                .Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries).ToHashSet(StringComparer.Ordinal);
            return notIn > 0 ? o => Label(o, key) is not { } v || !set.Contains(v) : o => Label(o, key) is { } v && set.Contains(v);
        }

        if (trimmed.Contains("!=", StringComparison.Ordinal))
        {
            var parts = trimmed.Split("!=", 2);
            return o => Label(o, parts[0].Trim()) != parts[1].Trim();
        }

        if (trimmed.Contains('='))
        {
            var parts = trimmed.Split(trimmed.Contains("==", StringComparison.Ordinal) ? "==" : "=", 2);
            return o => Label(o, parts[0].Trim()) == parts[1].Trim();
        }

        return trimmed.StartsWith('!') ? o => Label(o, trimmed[1..]) is null : o => Label(o, trimmed) is not null;
    }

    /// <summary>Commas separate terms except inside the parentheses of a set.</summary>
    private static IEnumerable<string> SplitTerms(string? selector)
    {
        if (string.IsNullOrWhiteSpace(selector))
        {
            yield break;
        }

        var depth = 0;
        var start = 0;
        for (var i = 0; i < selector.Length; i++)
        {
            depth += selector[i] == '(' ? 1 : selector[i] == ')' ? -1 : 0;
            if (selector[i] == ',' && depth == 0)
            {
                yield return selector[start..i];
                start = i + 1;
            }
        }

        yield return selector[start..];
    }
}
