namespace Sluice.Filters.Transformation;

/// <summary>
/// What one request carries from the request side of the transformation filter to its response side. Allocated
/// only when there is something to carry: a buffered request body, a pinned response transformation, or a
/// response being held for its body.
/// </summary>
internal sealed class TransformationState
{
    /// <summary>The response transformation of the matched request entry, per stage (0 early, 1 regular).</summary>
    public CompiledTransformation?[] Pinned { get; } = new CompiledTransformation?[2];

    public BodyContent? RequestBody { get; set; }

    public bool RequestBodyReplaced { get; set; }

    public ResponseBodyBuffer? ResponseBuffer { get; set; }

    /// <summary>The regular stage's response transformation, applied once the body is complete.</summary>
    public CompiledTransformation? PendingRegular { get; set; }

    /// <summary>The early stage's response transformation, when it needs the body and regular did not.</summary>
    public CompiledTransformation? PendingEarly { get; set; }

    /// <summary>The early stage's response match is decided after regular has transformed the response, as in Envoy's filter order.</summary>
    public TransformationStage? DeferredEarly { get; set; }

    /// <summary>A failure found while the headers were transformed, answered once the body has been swallowed.</summary>
    public TransformError? ResponseError { get; set; }
}
