namespace Sluice.Filters.Rewrite;

/// <summary><c>options.hostRewrite</c>: the Host header sent upstream.</summary>
internal sealed class HostRewriteFilterDescriptor : FilterDescriptor<string>
{
    public override string OptionName => "hostRewrite";

    public override FilterStage Stage => FilterStage.Route;

    protected override void Validate(string options, IOptionsDiagnostics diagnostics)
    {
        if (options.Length == 0)
        {
            diagnostics.Error(string.Empty, "hostRewrite must not be empty");
        }
        else if (HeaderValueRules.ContainsForbiddenCharacter(options) || options.AsSpan().ContainsAny(" /\t"))
        {
            diagnostics.Error(string.Empty, $"hostRewrite '{options}' is not a valid host");
        }
    }

    protected override HttpFilter Compile(string options) => new HostRewriteFilter(options);
}

internal sealed class HostRewriteFilter(string host) : HttpFilter
{
    public override FilterStage Stage => FilterStage.Route;

    public override string Describe() => $"hostRewrite {host}";

    public override ValueTask<FilterVerdict> OnRequestAsync(ProxyExchange exchange)
    {
        exchange.UpstreamHost = host;
        return new(FilterVerdict.Continue);
    }
}
