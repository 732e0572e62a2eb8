namespace Sluice.Filters.HeaderManipulation;

/// <summary>
/// Gloo's <c>headerManipulation</c> option: headers to remove and to add on the request sent upstream and on the
/// response sent to the client. Removals run before additions, as in Envoy.
/// </summary>
public sealed record HeaderManipulationOptions
{
    public IReadOnlyList<RequestHeaderValueOption> RequestHeadersToAdd { get; init; } = [];

    public IReadOnlyList<string> RequestHeadersToRemove { get; init; } = [];

    public IReadOnlyList<HeaderValueOption> ResponseHeadersToAdd { get; init; } = [];

    public IReadOnlyList<string> ResponseHeadersToRemove { get; init; } = [];
}

/// <summary>
/// Gloo's request-side <c>HeaderValueOption</c>: a <c>header</c>, or a <c>headerSecretRef</c> (which Sluice does not
/// support yet), and whether to <c>append</c> to an existing header (the default) or overwrite it.
/// </summary>
public sealed record RequestHeaderValueOption
{
    public HeaderValue? Header { get; init; }

    /// <summary>Bound only so that validation can name it as unsupported instead of "unknown field".</summary>
    public HeaderSecretReference? HeaderSecretRef { get; init; }

    public bool Append { get; init; } = true;
}

/// <summary>Gloo's response-side <c>HeaderValueOption</c>: a <c>header</c> and whether to <c>append</c> (the default).</summary>
public sealed record HeaderValueOption
{
    [RequiredField]
    public HeaderValue Header { get; init; } = new();

    public bool Append { get; init; } = true;
}

/// <summary>A header <c>key</c> and its <c>value</c>; the value may use Envoy's custom-header variables.</summary>
public sealed record HeaderValue
{
    [RequiredField]
    public string Key { get; init; } = string.Empty;

    public string Value { get; init; } = string.Empty;
}

/// <summary>Gloo's <c>ResourceRef</c> to a Secret holding header values.</summary>
public sealed record HeaderSecretReference
{
    public string Name { get; init; } = string.Empty;

    public string Namespace { get; init; } = string.Empty;
}
