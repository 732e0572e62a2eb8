using System.Text;
using System.Text.RegularExpressions;

namespace Sluice.Filters.Rewrite;

/// <summary>
/// <c>options.regexRewrite</c>: replaces every match in the path, as Envoy's <c>regex_rewrite</c> (RE2
/// GlobalReplace). Substitutions use RE2's <c>\1</c>; they are translated to .NET's <c>$1</c>.
/// </summary>
internal sealed class RegexRewriteFilterDescriptor : FilterDescriptor<RegexRewriteOptions>
{
    public override string OptionName => "regexRewrite";

    public override FilterStage Stage => FilterStage.Route;

    protected override void Validate(RegexRewriteOptions options, IOptionsDiagnostics diagnostics)
    {
        if (!LinearRegex.TryCreate(options.Pattern.Regex, caseSensitive: true, wholeString: false, out _, out var error))
        {
            diagnostics.Error("pattern.regex", error);
        }

        if (HeaderValueRules.ContainsForbiddenCharacter(options.Substitution))
        {
            diagnostics.Error("substitution", "substitution must not contain CR, LF or NUL");
        }
    }

    protected override HttpFilter Compile(RegexRewriteOptions options)
    {
        LinearRegex.TryCreate(options.Pattern.Regex, caseSensitive: true, wholeString: false, out var regex, out _);
        return new RegexRewriteFilter(regex!, ToDotNetSubstitution(options.Substitution));
    }

    internal static string ToDotNetSubstitution(string re2Substitution)
    {
        var builder = new StringBuilder(re2Substitution.Length + 4);
        for (var i = 0; i < re2Substitution.Length; i++)
        {
            var c = re2Substitution[i];
            if (c == '$')
            {
                builder.Append("$$");
            }
            else if (c == '\\' && i + 1 < re2Substitution.Length && char.IsAsciiDigit(re2Substitution[i + 1]))
            {
                builder.Append("${").Append(re2Substitution[i + 1]).Append('}');
                i++;
            }
            else if (c == '\\' && i + 1 < re2Substitution.Length && re2Substitution[i + 1] == '\\')
            {
                builder.Append('\\');
                i++;
            }
            else
            {
                builder.Append(c);
            }
        }

        return builder.ToString();
    }
}

internal sealed class RegexRewriteFilter(Regex pattern, string substitution) : HttpFilter
{
    public override FilterStage Stage => FilterStage.Route;

    public override string Describe() => $"regexRewrite {pattern} -> {substitution}";

    public override ValueTask<FilterVerdict> OnRequestAsync(ProxyExchange exchange)
    {
        var rewritten = pattern.Replace(exchange.UpstreamPath, substitution);
        exchange.UpstreamPath = rewritten.Length > 0 && rewritten[0] == '/' ? rewritten : "/" + rewritten;
        return new(FilterVerdict.Continue);
    }
}
