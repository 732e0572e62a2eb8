using System.Collections.Immutable;
using Sluice.Discovery.Model;
using Sluice.Filters;

namespace Sluice.Gateway.Translation;

/// <summary>Where one option value was written: the resource and the field path of its <c>options</c> block.</summary>
internal sealed record OptionSource(ResourceId Resource, string FieldPath)
{
    public override string ToString() => $"{Resource} {FieldPath}";
}

/// <summary>
/// An option value and where it came from (resource and field path), for inspect and golden files, and the namespace
/// of the resource it was written in, where the references it holds resolve. <see cref="Overridden"/> lists the less
/// specific layers that also set it, most recent first: inspect shows what a more specific layer replaced. Computed
/// once per snapshot; the request path never reads it.
/// </summary>
internal sealed record OptionValue(object Value, string Provenance, string OwnerNamespace = ResourceDefaults.Namespace)
{
    public OptionSource? Source { get; init; }

    public ImmutableArray<OptionSource> Overridden { get; init; } = [];
}

/// <summary>
/// Options merged from the outside in: virtual host, then each delegating route, then the route, then the weighted
/// destination. Gloo merges option by option, the most specific layer winning; a filter whose inner layer only
/// adjusts the outer one (a route switching off the virtual host's JWT providers) merges through its descriptor.
/// </summary>
internal sealed record MergedOptions(ImmutableSortedDictionary<string, OptionValue> Values)
{
    public static MergedOptions Empty { get; } = new(ImmutableSortedDictionary.Create<string, OptionValue>(StringComparer.Ordinal));

    public MergedOptions Overlay(OptionSet options, string provenance) => Overlay(options, provenance, source: null);

    /// <summary>Overlays one layer; <paramref name="source"/> is where the layer was written, kept for inspect.</summary>
    public MergedOptions Overlay(OptionSet options, string provenance, OptionSource? source, string ownerNamespace = ResourceDefaults.Namespace, FilterRegistry? filters = null)
    {
        if (options.IsEmpty)
        {
            return this;
        }

        var builder = Values.ToBuilder();
        foreach (var (name, value) in options.Values)
        {
            var hasOuter = builder.TryGetValue(name, out var outer);
            var overridden = hasOuter && outer!.Source is { } replaced
                ? outer.Overridden.Insert(0, replaced)
                : ImmutableArray<OptionSource>.Empty;
            if (hasOuter && filters is not null && filters.TryGet(name, out var descriptor))
            {
                var merged = descriptor.Merge(outer!.Value, value);
                builder[name] = ReferenceEquals(merged, value)
                    ? new OptionValue(value, provenance, ownerNamespace) { Source = source, Overridden = overridden }
                    : new OptionValue(merged, $"{outer.Provenance} + {provenance}", outer.OwnerNamespace) { Source = source, Overridden = overridden };
                continue;
            }

            builder[name] = new OptionValue(value, provenance, ownerNamespace) { Source = source, Overridden = overridden };
        }

        return new MergedOptions(builder.ToImmutable());
    }
}
