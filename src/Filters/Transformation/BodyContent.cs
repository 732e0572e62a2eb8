using System.Text;
using System.Text.Json;

namespace Sluice.Filters.Transformation;

/// <summary>
/// One message body as a transformation sees it: the buffered bytes, decoded to text once on first use.
/// Lives for one request or response; the bytes are never changed in place.
/// </summary>
internal sealed class BodyContent(ReadOnlyMemory<byte> bytes)
{
    private string? _text;

    public static BodyContent Empty { get; } = new(ReadOnlyMemory<byte>.Empty);

    public ReadOnlyMemory<byte> Bytes { get; } = bytes;

    public string Text => _text ??= Bytes.IsEmpty ? string.Empty : Encoding.UTF8.GetString(Bytes.Span);

    /// <summary>Parses the body as JSON; an empty body is no JSON and no error, as in Gloo. The caller disposes the document.</summary>
    public bool TryParseJson(out JsonDocument? document)
    {
        document = null;
        if (Bytes.IsEmpty)
        {
            return true;
        }

        try
        {
            document = JsonDocument.Parse(Bytes, new JsonDocumentOptions { MaxDepth = 64 });
            return true;
        }
        catch (JsonException)
        {
            return false;
        }
    }
}
