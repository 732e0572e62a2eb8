namespace Sluice.Filters.Jwt;

/// <summary>
/// <c>options.jwtStaged</c>: Gloo's staged JWT validation. <c>beforeExtAuth</c> runs before <c>extauth</c>,
/// <c>afterExtAuth</c> after it, both in the AuthN stage. A route's <c>disable</c> switches off its virtual host's
/// providers; a route's own providers replace them.
/// </summary>
internal sealed class JwtStagedFilterDescriptor : FilterDescriptor<JwtStagedOptions>
{
    public override string OptionName => "jwtStaged";

    public override FilterStage Stage => FilterStage.AuthN;

    protected override void Validate(JwtStagedOptions options, IOptionsDiagnostics diagnostics)
    {
        if (options.BeforeExtAuth is { } before)
        {
            JwtProviderCompiler.Validate(before, "beforeExtAuth", diagnostics);
        }

        if (options.AfterExtAuth is { } after)
        {
            JwtProviderCompiler.Validate(after, "afterExtAuth", diagnostics);
        }
    }

    protected override IEnumerable<UpstreamReference> UpstreamReferences(JwtStagedOptions options) =>
        [.. JwtProviderCompiler.UpstreamReferences(options.BeforeExtAuth, "beforeExtAuth"), .. JwtProviderCompiler.UpstreamReferences(options.AfterExtAuth, "afterExtAuth")];

    protected override JwtStagedOptions Merge(JwtStagedOptions outer, JwtStagedOptions inner)
    {
        var before = JwtProviderCompiler.Merge(outer.BeforeExtAuth, inner.BeforeExtAuth);
        var after = JwtProviderCompiler.Merge(outer.AfterExtAuth, inner.AfterExtAuth);
        return ReferenceEquals(before, inner.BeforeExtAuth) && ReferenceEquals(after, inner.AfterExtAuth)
            ? inner
            : new JwtStagedOptions { BeforeExtAuth = before, AfterExtAuth = after };
    }

    protected override HttpFilter Compile(JwtStagedOptions options) => Compile(options, FilterCompileContext.Empty);

    protected override HttpFilter Compile(JwtStagedOptions options, FilterCompileContext context)
    {
        var before = JwtProviderCompiler.Compile(options.BeforeExtAuth, "jwtStaged.beforeExtAuth", JwtProviderCompiler.BeforeExtAuthOrder, context);
        var after = JwtProviderCompiler.Compile(options.AfterExtAuth, "jwtStaged.afterExtAuth", JwtProviderCompiler.AfterExtAuthOrder, context);
        return (before, after) switch
        {
            (null, null) => new NoOpFilter(FilterStage.AuthN, "jwtStaged disabled"),
            ({ } first, { } second) => new JwtStagesFilter(first, second),
            _ => (HttpFilter?)before ?? after!,
        };
    }
}
