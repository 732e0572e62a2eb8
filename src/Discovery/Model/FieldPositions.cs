namespace Sluice.Discovery.Model;

/// <summary>
/// Positions of fields by path (<c>virtualHost.routes[2].matchers[0].regex</c>). Validation reports by path and
/// finds the position here, falling back to the nearest enclosing field that has one.
/// </summary>
public sealed class FieldPositions
{
    private readonly Dictionary<string, SourcePosition> _byPath = new(StringComparer.Ordinal);

    public static FieldPositions Empty { get; } = new();

    internal void Add(string path, SourcePosition position) => _byPath.TryAdd(path, position);

    internal FieldPositions ShiftLines(int lines)
    {
        var shifted = new FieldPositions();
        foreach (var (path, position) in _byPath)
        {
            shifted._byPath[path] = new SourcePosition(position.Line + lines, position.Column);
        }

        return shifted;
    }

    public SourcePosition? Find(string path)
    {
        var current = path;
        while (true)
        {
            if (_byPath.TryGetValue(current, out var position))
            {
                return position;
            }

            var cut = Math.Max(current.LastIndexOf('.'), current.LastIndexOf('['));
            if (cut <= 0)
            {
                return null;
            }

            current = current[..cut];
        }
    }
}
