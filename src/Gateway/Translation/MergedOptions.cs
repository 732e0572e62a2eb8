using System.Collections.Immutable;
using Sluice.Discovery.Model;

namespace Sluice.Gateway.Translation;

/// <summary>An option value and where it came from (resource and field path), for inspect and golden files.</summary>
internal sealed record OptionValue(object Value, string Provenance);

/// <summary>
/// Options merged from the outside in: virtual host, then each delegating route, then the route, then the weighted
/// destination. Gloo merges option by option, the most specific layer winning.
/// </summary>
internal sealed record MergedOptions(ImmutableSortedDictionary<string, OptionValue> Values)
{
    public static MergedOptions Empty { get; } = new(ImmutableSortedDictionary.Create<string, OptionValue>(StringComparer.Ordinal));

    public MergedOptions Overlay(OptionSet options, string provenance)
    {
        if (options.IsEmpty)
        {
            return this;
        }

        var builder = Values.ToBuilder();
        foreach (var (name, value) in options.Values)
        {
            builder[name] = new OptionValue(value, provenance);
        }

        return new MergedOptions(builder.ToImmutable());
    }
}
