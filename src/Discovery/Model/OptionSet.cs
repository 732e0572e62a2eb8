namespace Sluice.Discovery.Model;

/// <summary>
/// The filter options set on one route, virtual host or destination, keyed by option name (Gloo's field name).
/// Values are bound to each filter's own options type, so this model needs no change when a filter is added.
/// </summary>
public sealed record OptionSet
{
    public static OptionSet Empty { get; } = new(new Dictionary<string, object>());

    public OptionSet(IReadOnlyDictionary<string, object> values)
    {
        Values = values;
    }

    public IReadOnlyDictionary<string, object> Values { get; }

    public bool IsEmpty => Values.Count == 0;

    public bool Equals(OptionSet? other) =>
        other is not null && Values.Count == other.Values.Count &&
        Values.All(pair => other.Values.TryGetValue(pair.Key, out var value) && Equals(value, pair.Value));

    public override int GetHashCode() => Values.Count;
}
