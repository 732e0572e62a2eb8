using System.CommandLine;
using System.Text;
using System.Text.Json;
using Sluice.Gateway.Inspection;

namespace Sluice.Gateway.Cli;

/// <summary>
/// <c>sluice get KIND [NAME]</c>: resources with their status and first reason, as a table like <c>glooctl get</c>,
/// or every field (<c>-o yaml</c>: each document as written plus its status; <c>-o json</c>).
/// </summary>
internal static class GetCommand
{
    public static Command Create()
    {
        var kind = new Argument<string>("KIND") { Description = "virtualservices (vs), routetables (rt), upstreams (us), upstreamgroups (ug), gateways (gw) or all" };
        var name = new Argument<string?>("NAME") { Description = "Only resources whose NAMESPACE/NAME ends with this", Arity = ArgumentArity.ZeroOrOne };
        var source = new ToolSource("table", "yaml", "json");
        var get = new Command("get", "List resources with their status and reasons (accepted, warning, rejected).") { kind, name };
        source.AddTo(get);
        get.SetAction((parse, cancellation) =>
        {
            var kindName = parse.GetValue(kind)!;
            if (!ResourceListing.KindsByName.TryGetValue(kindName, out var kinds))
            {
                Console.Error.WriteLine($"unknown kind '{kindName}'; one of: virtualservices (vs), routetables (rt), upstreams (us), upstreamgroups (ug), gateways (gw), all");
                return Task.FromResult(2);
            }

            return source.RunAsync(
                parse,
                config => Task.FromResult(Print(ResourceListing.List(config, kinds), parse.GetValue(name), parse.GetValue(source.Output)!)),
                async client =>
                {
                    var (resources, error) = await client.GetAsync($"/admin/resources?{AdminClient.Query(("kind", kindName))}", InspectionJsonContext.Default.IReadOnlyListResourceReport, cancellation).ConfigureAwait(false);
                    if (resources is null)
                    {
                        Console.Error.WriteLine(error);
                        return 2;
                    }

                    return Print(resources, parse.GetValue(name), parse.GetValue(source.Output)!);
                });
        });
        return get;
    }

    private static int Print(IReadOnlyList<ResourceReport> all, string? name, string output)
    {
        var resources = name is null ? all : all.Where(r => $"{r.Namespace}/{r.Name}".EndsWith(name, StringComparison.OrdinalIgnoreCase)).ToList();
        if (name is not null && resources.Count == 0)
        {
            Console.Error.WriteLine($"no resource of that kind named '{name}'");
            return 1;
        }

        switch (output.ToLowerInvariant())
        {
            case "json":
                Console.Out.WriteLine(JsonSerializer.Serialize(resources, InspectionJsonContext.Default.IReadOnlyListResourceReport));
                break;
            case "yaml":
                Console.Out.Write(ResourceListing.ToYaml(resources));
                break;
            default:
                Console.Out.Write(Table(resources));
                break;
        }

        return 0;
    }

    public static string Table(IReadOnlyList<ResourceReport> resources)
    {
        string[] header = ["KIND", "NAMESPACE", "NAME", "STATUS", "REASON"];
        var rows = resources.Select(r => new[]
        {
            r.Kind, r.Namespace, r.Name, ResourceListing.StatusText(r),
            r.Reasons.Count == 0 ? "-" : r.Reasons[0] + (r.Reasons.Count > 1 ? $" (+{r.Reasons.Count - 1} more)" : string.Empty),
        }).ToList();
        var widths = Enumerable.Range(0, header.Length - 1).Select(i => rows.Select(r => r[i].Length).Append(header[i].Length).Max()).ToArray();
        var text = new StringBuilder();
        foreach (var row in rows.Prepend(header))
        {
            for (var i = 0; i < row.Length - 1; i++)
            {
                text.Append(row[i].PadRight(widths[i] + 2));
            }

            text.Append(row[^1]).Append('\n');
        }

        return text.ToString();
    }
}
