using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Sluice.Gateway.Inspection;

namespace Sluice.Gateway.Cli;

/// <summary>
/// <c>sluice check [--expiry-days N]</c>: a health summary for CI and cron, one line per problem
/// (<c>SEVERITY CHECK SUBJECT: DETAIL</c>) and a summary line. Exit 0 when there is no problem, 1 when there is,
/// 2 on bad usage or when the gateway cannot be reached.
/// </summary>
internal static class CheckCommand
{
    public static Command Create()
    {
        var days = new Option<int>("--expiry-days") { Description = "Report server certificates expiring within this many days. Default: 14", DefaultValueFactory = _ => 14 };
        var source = new ToolSource();
        var check = new Command("check", "Report rejected or warned resources, upstreams with no healthy endpoint and certificates about to expire; exit 1 on any.") { days };
        source.AddTo(check);
        check.SetAction((parse, cancellation) =>
        {
            var window = parse.GetValue(days);
            if (window is < 0 or > 3650)
            {
                Console.Error.WriteLine("--expiry-days must be between 0 and 3650");
                return Task.FromResult(2);
            }

            return source.RunAsync(
                parse,
                config => Task.FromResult(Print(HealthSummary.Check(config, liveHealth: false, TimeSpan.FromDays(window), DateTimeOffset.UtcNow), source.Json(parse))),
                async client =>
                {
                    var (report, error) = await client.GetAsync($"/admin/check?{AdminClient.Query(("expiryDays", window.ToString(CultureInfo.InvariantCulture)))}", InspectionJsonContext.Default.CheckReport, cancellation).ConfigureAwait(false);
                    if (report is null)
                    {
                        Console.Error.WriteLine(error);
                        return 2;
                    }

                    return Print(report, source.Json(parse));
                });
        });
        return check;
    }

    private static int Print(CheckReport report, bool json)
    {
        if (json)
        {
            Console.Out.WriteLine(JsonSerializer.Serialize(report, InspectionJsonContext.Default.CheckReport));
        }
        else
        {
            foreach (var problem in report.Problems)
            {
                Console.Out.WriteLine(problem.ToString());
            }

            var health = report.LiveHealth ? "live endpoint health" : "offline: endpoint health not checked";
            Console.Out.WriteLine(report.Problems.Count == 0
                ? $"ok: {report.Resources} resources, {report.Upstreams} upstreams, {report.Certificates} certificates ({health})"
                : $"{report.Problems.Count} {(report.Problems.Count == 1 ? "problem" : "problems")}: {report.Resources} resources, {report.Upstreams} upstreams, {report.Certificates} certificates ({health})");
        }

        return report.Problems.Count == 0 ? 0 : 1;
    }
}
