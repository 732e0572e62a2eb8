using Sluice.Discovery.Model;

namespace Sluice.Discovery.Graph;

/// <summary>Which RouteTables a delegating route hands over to, in the order their routes are tried.</summary>
public static class DelegationResolver
{
    public static IReadOnlyList<ResourceId> Targets(DelegateAction delegation, string referrerNamespace, ResourceIndex index)
    {
        if (delegation.Ref is { } reference)
        {
            return [reference.Resolve(ResourceKind.RouteTable, referrerNamespace)];
        }

        if (delegation.Name is { } name)
        {
            return [new ResourceId(ResourceKind.RouteTable, string.IsNullOrEmpty(delegation.Namespace) ? referrerNamespace : delegation.Namespace, name)];
        }

        if (delegation.Selector is not { } selector)
        {
            return [];
        }

        var namespaces = selector.Namespaces.Count == 0 ? [referrerNamespace] : selector.Namespaces;
        var all = namespaces.Contains("*");

        // Gloo orders selected tables by weight, lowest first; ties are broken by namespace and name so the
        // order never depends on discovery order.
        return [.. index.RouteTables
            .Where(table => (all || namespaces.Contains(table.Namespace))
                && LabelSelector.Matches(table.Metadata.Labels, selector.Labels, selector.Expressions))
            .OrderBy(table => table.Spec.Weight)
            .ThenBy(table => table.Namespace, StringComparer.Ordinal)
            .ThenBy(table => table.Metadata.Name, StringComparer.Ordinal)
            .Select(table => table.Id)];
    }
}
