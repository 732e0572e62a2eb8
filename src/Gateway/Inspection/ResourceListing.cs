using System.Text;
using Sluice.Discovery.Model;
using Sluice.Gateway.Configuration;

namespace Sluice.Gateway.Inspection;

/// <summary>One problem with a resource, where it is and what is wrong.</summary>
internal sealed record ReasonReport(string Severity, string Location, string Field, string Message)
{
    public override string ToString() => $"{Location}: {(Field.Length == 0 ? "-" : Field)}: {Message}";
}

/// <summary>One resource as <c>sluice get</c> shows it.</summary>
/// <param name="Source">The YAML document as written, for <c>-o yaml</c>; null when the resource serves no version.</param>
internal sealed record ResourceReport(string Kind, string Namespace, string Name, string Status, bool Served, bool ServingLastGood, string? File, IReadOnlyList<ReasonReport> Reasons, string? Source);

/// <summary>
/// <c>sluice get</c>: every resource of some kinds with its status and reasons, like <c>glooctl get</c>. Only the
/// gateway's own resource kinds are listed; none of them holds key material (certificates are file paths).
/// </summary>
internal static class ResourceListing
{
    /// <summary>Kinds by every name a user may type (plural, singular, short), as glooctl and kubectl accept.</summary>
    public static readonly IReadOnlyDictionary<string, ResourceKind[]> KindsByName = new Dictionary<string, ResourceKind[]>(StringComparer.OrdinalIgnoreCase)
    {
        ["virtualservices"] = [ResourceKind.VirtualService], ["virtualservice"] = [ResourceKind.VirtualService], ["vs"] = [ResourceKind.VirtualService],
        ["routetables"] = [ResourceKind.RouteTable], ["routetable"] = [ResourceKind.RouteTable], ["rt"] = [ResourceKind.RouteTable],
        ["upstreams"] = [ResourceKind.Upstream], ["upstream"] = [ResourceKind.Upstream], ["us"] = [ResourceKind.Upstream],
        ["upstreamgroups"] = [ResourceKind.UpstreamGroup], ["upstreamgroup"] = [ResourceKind.UpstreamGroup], ["ug"] = [ResourceKind.UpstreamGroup],
        ["gateways"] = [ResourceKind.Gateway], ["gateway"] = [ResourceKind.Gateway], ["gw"] = [ResourceKind.Gateway],

        // Listed explicitly, not every ResourceKind: a kind added later may hold credentials and must opt in here.
        ["all"] = [ResourceKind.Gateway, ResourceKind.VirtualService, ResourceKind.RouteTable, ResourceKind.Upstream, ResourceKind.UpstreamGroup],
    };

    public static IReadOnlyList<ResourceReport> List(CompiledConfig config, IReadOnlyCollection<ResourceKind> kinds)
    {
        var effective = config.Source.Effective;
        return [.. config.Source.Statuses
            .Where(s => kinds.Contains(s.Id.Kind))
            .OrderBy(s => s.Id.Kind)
            .ThenBy(s => s.Id.Namespace, StringComparer.Ordinal)
            .ThenBy(s => s.Id.Name, StringComparer.Ordinal)
            .Select(s => new ResourceReport(
                s.Id.Kind.ToString(),
                s.Id.Namespace,
                s.Id.Name,
                s.State.ToString(),
                s.Served,
                s.ServingLastGood,
                s.File,
                Reasons(s.Reasons),
                effective.Get<Resource>(s.Id)?.Origin.SourceText))];
    }

    public static IReadOnlyList<ReasonReport> Reasons(IEnumerable<Diagnostic> diagnostics) =>
        [.. diagnostics.Select(d => new ReasonReport(d.IsError ? "error" : "warning", $"{d.File}:{d.Position.Line}:{d.Position.Column}", d.FieldPath, d.Message))];

    /// <summary>The status column: the state, and whether an older accepted version serves in its place.</summary>
    public static string StatusText(ResourceReport resource) =>
        resource.ServingLastGood ? $"{resource.Status} (serving last good)" : resource.Status;

    /// <summary>The resources as YAML documents, each as written followed by its status, as <c>glooctl get -o yaml</c>.</summary>
    public static string ToYaml(IReadOnlyList<ResourceReport> resources)
    {
        var text = new StringBuilder();
        foreach (var resource in resources)
        {
            if (text.Length > 0)
            {
                text.Append("---\n");
            }

            if (resource.Source is { } source)
            {
                text.Append(source.TrimEnd()).Append('\n');
            }
            else
            {
                text.Append("kind: ").Append(resource.Kind).Append("\nmetadata:\n  name: ").Append(Quote(resource.Name))
                    .Append("\n  namespace: ").Append(Quote(resource.Namespace)).Append('\n');
            }

            text.Append("status:\n  state: ").Append(resource.Status).Append('\n');
            text.Append("  servingLastGood: ").Append(resource.ServingLastGood ? "true" : "false").Append('\n');
            if (resource.Reasons.Count > 0)
            {
                text.Append("  reasons:\n");
                foreach (var reason in resource.Reasons)
                {
                    text.Append("    - ").Append(Quote($"{reason.Severity}: {reason}")).Append('\n');
                }
            }
        }

        return text.ToString();
    }

    private static string Quote(string value) => "'" + value.Replace("'", "''", StringComparison.Ordinal) + "'";
}
