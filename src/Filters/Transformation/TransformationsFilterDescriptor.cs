namespace Sluice.Filters.Transformation;

/// <summary>
/// <c>options.transformations</c>: Gloo's single request/response transformation, run as the regular stage of the
/// transformation filter. Templates are parsed here, when the configuration loads.
/// </summary>
internal sealed class TransformationsFilterDescriptor : FilterDescriptor<TransformationsOptions>
{
    public const string Name = "transformations";

    public override string OptionName => Name;

    public override FilterStage Stage => FilterStage.Transform;

    protected override void Validate(TransformationsOptions options, IOptionsDiagnostics diagnostics) => Build(options, diagnostics);

    protected override HttpFilter Compile(TransformationsOptions options) => Build(options, IgnoredDiagnostics.Instance);

    private static TransformationFilter Build(TransformationsOptions options, IOptionsDiagnostics diagnostics)
    {
        var compiler = new TransformationCompiler(diagnostics);
        if (options.ClearRouteCache)
        {
            compiler.ReportClearRouteCache("clearRouteCache");
        }

        var maxBodyBytes = compiler.MaxBodyBytes(options.MaxBodyBytes, "maxBodyBytes");
        var request = compiler.Transformation(options.RequestTransformation, response: false, escapeDefault: false, "requestTransformation");
        var response = compiler.Transformation(options.ResponseTransformation, response: true, escapeDefault: false, "responseTransformation");
        var regular = request is null && response is null ? null : new TransformationStage([new RequestRule(null, request, response)], []);
        return new TransformationFilter(Name, early: null, regular, maxBodyBytes);
    }
}
