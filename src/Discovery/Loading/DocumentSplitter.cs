namespace Sluice.Discovery.Loading;

/// <summary>
/// Splits a multi-document YAML file at column-0 <c>---</c> markers so that each document parses on its own.
/// A block scalar is always indented, so a marker at column 0 cannot be part of a value.
/// </summary>
internal static class DocumentSplitter
{
    public static IEnumerable<(string Text, int FirstLine)> Split(string text)
    {
        var lines = text.Split('\n');
        var start = 0;
        for (var i = 0; i < lines.Length; i++)
        {
            var line = lines[i].TrimEnd('\r');
            var isMarker = line == "---" || line.StartsWith("--- ", StringComparison.Ordinal) || line == "...";
            if (!isMarker)
            {
                continue;
            }

            if (i > start)
            {
                yield return (string.Join('\n', lines, start, i - start), start + 1);
            }

            // Content after "--- " on the marker line belongs to the next document: keep the line, blank the marker.
            if (line.StartsWith("--- ", StringComparison.Ordinal))
            {
                lines[i] = new string(' ', 4) + line[4..];
                start = i;
            }
            else
            {
                start = i + 1;
            }
        }

        if (start < lines.Length)
        {
            yield return (string.Join('\n', lines, start, lines.Length - start), start + 1);
        }
    }
}
