namespace Sluice.Filters;

/// <summary>
/// A field that takes either a string or any structured YAML value (Gloo's <c>google.protobuf.Any</c> fields), kept
/// as text: the string itself, or the structure rendered as compact JSON.
/// </summary>
public sealed record StructuredValue(string Text, bool IsString);
