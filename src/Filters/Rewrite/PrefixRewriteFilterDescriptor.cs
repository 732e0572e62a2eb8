namespace Sluice.Filters.Rewrite;

/// <summary>
/// <c>options.prefixRewrite</c>: replaces the part of the path the route's matcher matched, as Envoy's
/// <c>prefix_rewrite</c>. Gloo treats an empty value as <c>/</c>, and so does Sluice.
/// </summary>
internal sealed class PrefixRewriteFilterDescriptor : FilterDescriptor<string>
{
    public override string OptionName => "prefixRewrite";

    public override FilterStage Stage => FilterStage.Route;

    protected override void Validate(string options, IOptionsDiagnostics diagnostics)
    {
        if (options.Length > 0 && options[0] != '/')
        {
            diagnostics.Error(string.Empty, $"prefixRewrite must start with '/', got '{options}'");
        }

        if (HeaderValueRules.ContainsForbiddenCharacter(options))
        {
            diagnostics.Error(string.Empty, "prefixRewrite must not contain CR, LF or NUL");
        }
    }

    protected override HttpFilter Compile(string options) =>
        new PrefixRewriteFilter(options.Length == 0 ? "/" : options);
}
