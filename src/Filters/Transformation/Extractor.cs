using System.Text.RegularExpressions;

namespace Sluice.Filters.Transformation;

/// <summary>Gloo's extraction modes.</summary>
internal enum ExtractionMode
{
    /// <summary>The whole source must match; the value is the chosen group (empty when it does not match).</summary>
    Extract,

    /// <summary>The whole source must match; the chosen group is replaced by the replacement text, literally.</summary>
    SingleReplace,

    /// <summary>Every match is replaced; <c>$1</c> refers to groups, as in <c>std::regex_replace</c>.</summary>
    ReplaceAll,
}

/// <summary>One compiled extractor: a linear-time regex over a header (pseudo-headers included) or the body text.</summary>
internal sealed class Extractor(string name, string? header, Regex regex, int subgroup, ExtractionMode mode, string replacement)
{
    public string Name { get; } = name;

    /// <summary>The header to read, lower-cased; null for the body.</summary>
    public string? Header { get; } = header;

    public bool FromBody => Header is null;

    public string Extract(string source)
    {
        switch (mode)
        {
            case ExtractionMode.ReplaceAll:
                return regex.Replace(source, replacement);
            case ExtractionMode.SingleReplace:
                var replaced = regex.Match(source);
                if (!replaced.Success)
                {
                    return source;
                }

                var group = replaced.Groups[subgroup];
                return string.Concat(source.AsSpan(0, group.Index), replacement, source.AsSpan(group.Index + group.Length));
            default:
                var match = regex.Match(source);
                return match.Success ? match.Groups[subgroup].Value : string.Empty;
        }
    }

    public string Describe() =>
        $"{Name} from {(Header ?? "body")} ~ {regex}{(subgroup != 0 ? $" group {subgroup}" : string.Empty)}{(mode != ExtractionMode.Extract ? $" {mode}" : string.Empty)}";
}
