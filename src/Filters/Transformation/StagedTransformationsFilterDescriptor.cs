namespace Sluice.Filters.Transformation;

/// <summary><c>options.stagedTransformations</c>: Gloo's <c>early</c> and <c>regular</c> stages, both run by the transformation filter.</summary>
internal sealed class StagedTransformationsFilterDescriptor : FilterDescriptor<TransformationStagesOptions>
{
    public const string Name = "stagedTransformations";

    public override string OptionName => Name;

    public override FilterStage Stage => FilterStage.Transform;

    protected override void Validate(TransformationStagesOptions options, IOptionsDiagnostics diagnostics) => Build(options, diagnostics);

    protected override HttpFilter Compile(TransformationStagesOptions options) => Build(options, IgnoredDiagnostics.Instance);

    private static TransformationFilter Build(TransformationStagesOptions options, IOptionsDiagnostics diagnostics)
    {
        var compiler = new TransformationCompiler(diagnostics);
        if (options.InheritTransformation)
        {
            diagnostics.Error("inheritTransformation", "inheritTransformation is not supported: Sluice uses the most specific stagedTransformations (route over virtual host) whole; repeat the parent's entries on the route instead");
        }

        if (options.PostRouting is not null)
        {
            diagnostics.Error("postRouting", "postRouting (Gloo Enterprise) is not supported by Sluice");
        }

        if (options.LogRequestResponseInfo == true)
        {
            diagnostics.Warning("logRequestResponseInfo", "logRequestResponseInfo is ignored: Sluice never logs message bodies");
        }

        var escape = options.EscapeCharacters ?? false;
        var maxBodyBytes = compiler.MaxBodyBytes(options.MaxBodyBytes, "maxBodyBytes");
        var early = compiler.Stage(options.Early, escape, "early");
        var regular = compiler.Stage(options.Regular, escape, "regular");
        return new TransformationFilter(Name, early, regular, maxBodyBytes);
    }
}
