using System.Collections.Immutable;
using Sluice.Discovery.Model;
using Sluice.Filters;

namespace Sluice.Gateway.Translation;

/// <summary>
/// An option value and where it came from (resource and field path), for inspect and golden files, and the namespace
/// of the resource it was written in, where the references it holds resolve.
/// </summary>
internal sealed record OptionValue(object Value, string Provenance, string OwnerNamespace = ResourceDefaults.Namespace);

/// <summary>
/// Options merged from the outside in: virtual host, then each delegating route, then the route, then the weighted
/// destination. Gloo merges option by option, the most specific layer winning; a filter whose inner layer only
/// adjusts the outer one (a route switching off the virtual host's JWT providers) merges through its descriptor.
/// </summary>
internal sealed record MergedOptions(ImmutableSortedDictionary<string, OptionValue> Values)
{
    public static MergedOptions Empty { get; } = new(ImmutableSortedDictionary.Create<string, OptionValue>(StringComparer.Ordinal));

    public MergedOptions Overlay(OptionSet options, string provenance, string ownerNamespace = ResourceDefaults.Namespace, FilterRegistry? filters = null)
    {
        if (options.IsEmpty)
        {
            return this;
        }

        var builder = Values.ToBuilder();
        foreach (var (name, value) in options.Values)
        {
            if (builder.TryGetValue(name, out var outer) && filters is not null && filters.TryGet(name, out var descriptor))
            {
                var merged = descriptor.Merge(outer.Value, value);
                builder[name] = ReferenceEquals(merged, value)
                    ? new OptionValue(value, provenance, ownerNamespace)
                    : new OptionValue(merged, $"{outer.Provenance} + {provenance}", outer.OwnerNamespace);
                continue;
            }

            builder[name] = new OptionValue(value, provenance, ownerNamespace);
        }

        return new MergedOptions(builder.ToImmutable());
    }
}
