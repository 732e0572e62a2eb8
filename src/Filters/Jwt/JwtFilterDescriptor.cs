namespace Sluice.Filters.Jwt;

/// <summary>
/// <c>options.jwt</c>: Gloo's older, unstaged JWT option (providers on the virtual host, <c>disable</c> on a route).
/// It runs where <c>jwtStaged.beforeExtAuth</c> does.
/// </summary>
internal sealed class JwtFilterDescriptor : FilterDescriptor<JwtExtension>
{
    public override string OptionName => "jwt";

    public override FilterStage Stage => FilterStage.AuthN;

    protected override void Validate(JwtExtension options, IOptionsDiagnostics diagnostics) =>
        JwtProviderCompiler.Validate(options, string.Empty, diagnostics);

    protected override IEnumerable<UpstreamReference> UpstreamReferences(JwtExtension options) =>
        JwtProviderCompiler.UpstreamReferences(options, string.Empty);

    protected override JwtExtension Merge(JwtExtension outer, JwtExtension inner) => JwtProviderCompiler.Merge(outer, inner)!;

    protected override HttpFilter Compile(JwtExtension options) => Compile(options, FilterCompileContext.Empty);

    protected override HttpFilter Compile(JwtExtension options, FilterCompileContext context) =>
        (HttpFilter?)JwtProviderCompiler.Compile(options, "jwt", JwtProviderCompiler.BeforeExtAuthOrder, context)
        ?? new NoOpFilter(FilterStage.AuthN, "jwt disabled");
}
