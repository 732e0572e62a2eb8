using System.CommandLine;
using System.Text.Json;
using Sluice.Filters;
using Sluice.Gateway.Inspection;

namespace Sluice.Gateway.Cli;

/// <summary>
/// <c>sluice inspect route|host|upstream NAME</c>: the effective merged options of a route or virtual host with where
/// each value came from, or everything that sends traffic to an upstream and its endpoints' health.
/// </summary>
internal static class InspectCommand
{
    public static Command Create()
    {
        var inspect = new Command("inspect", "Show what the gateway does with one route, virtual host or upstream, and where each setting came from.");
        inspect.Add(Kind("route", "A route: NAMESPACE/VIRTUALSERVICE/INDEX (index in match order), its 'name', its NAMESPACE/OWNER/FIELD.PATH, or any unique suffix of these."));
        inspect.Add(Kind("host", "A virtual host: NAMESPACE/VIRTUALSERVICE (or a unique suffix), or a domain it serves."));
        inspect.Add(Kind("upstream", "An upstream: NAMESPACE/NAME or a unique suffix."));
        return inspect;
    }

    private static Command Kind(string kind, string description)
    {
        var name = new Argument<string>("NAME") { Description = description };
        var source = new ToolSource();
        var command = new Command(kind, description) { name };
        source.AddTo(command);
        command.SetAction((parse, cancellation) => source.RunAsync(
            parse,
            config =>
            {
                var inspector = new ConfigInspector(config, FilterRegistry.Default, liveHealth: false);
                var result = kind switch
                {
                    "route" => inspector.Route(parse.GetValue(name)!),
                    "host" => inspector.Host(parse.GetValue(name)!),
                    _ => inspector.Upstream(parse.GetValue(name)!),
                };
                return Task.FromResult(Print(result, source.Json(parse)));
            },
            async client =>
            {
                var (result, error) = await client.GetAsync($"/admin/inspect?{AdminClient.Query(("kind", kind), ("name", parse.GetValue(name)!))}", InspectionJsonContext.Default.InspectResult, cancellation).ConfigureAwait(false);
                if (result is null)
                {
                    Console.Error.WriteLine(error);
                    return 2;
                }

                return Print(result, source.Json(parse));
            }));
        return command;
    }

    private static int Print(InspectResult result, bool json)
    {
        if (json)
        {
            Console.Out.WriteLine(JsonSerializer.Serialize(result, InspectionJsonContext.Default.InspectResult));
            return result.Error is null ? 0 : 1;
        }

        if (result.Error is not null)
        {
            Console.Error.WriteLine(result.Error);
            if (result.Candidates.Count > 0)
            {
                Console.Error.WriteLine(result.Candidates.Count > 1 && result.Error.Contains("say which", StringComparison.Ordinal) ? "candidates:" : "known names:");
                foreach (var candidate in result.Candidates)
                {
                    Console.Error.WriteLine("  " + candidate);
                }
            }

            return 1;
        }

        Console.Out.Write(result.Route is not null ? InspectPrinter.Route(result.Route)
            : result.Host is not null ? InspectPrinter.Host(result.Host)
            : InspectPrinter.Upstream(result.Upstream!));
        return 0;
    }
}
