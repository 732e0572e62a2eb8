namespace Sluice.Filters.Compression;

/// <summary><c>gzip: {disabled: true}</c>: a more specific layer turning compression off; does nothing.</summary>
internal sealed class CompressionDisabledFilter : HttpFilter
{
    public override FilterStage Stage => FilterStage.Transform;

    public override string Describe() => "gzip disabled";
}
