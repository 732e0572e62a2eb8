namespace Sluice.Discovery.Model;

/// <summary>
/// Where a resource was read: its file (or a cluster URI), the position of its document, the exact source text of
/// that document (persisted as last-good), and the positions of every field by path.
/// </summary>
public sealed record ResourceOrigin(string File, SourcePosition Position, string SourceText, FieldPositions Fields)
{
    public SourcePosition PositionOf(string fieldPath) => Fields.Find(fieldPath) ?? Position;
}

public readonly record struct SourcePosition(int Line, int Column)
{
    public override string ToString() => $"{Line}:{Column}";
}
