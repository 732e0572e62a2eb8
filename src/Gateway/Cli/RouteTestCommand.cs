using System.CommandLine;
using System.Text;
using System.Text.Json;
using Sluice.Gateway.Inspection;

namespace Sluice.Gateway.Cli;

/// <summary>
/// <c>sluice route test METHOD URL [-H 'name: value']...</c>: which virtual host and route a request matches, what
/// would match next, where it would go and how it would be rewritten, decided by the data plane's own matching code.
/// Nothing is sent. Exit 0 when a route matches, 1 when none does, 2 on bad usage.
/// </summary>
internal static class RouteTestCommand
{
    public static Command Create()
    {
        var method = new Argument<string>("METHOD") { Description = "The request method (GET, POST…)" };
        var url = new Argument<string>("URL") { Description = "The URL as the client sends it: http://HOST:PORT/PATH?QUERY (the port picks the listener)" };
        var headers = new Option<string[]>("--header", "-H") { Description = "A request header, 'name: value'; repeatable. 'Host: x' overrides the URL's host" };
        var source = new ToolSource();
        var test = new Command("test", "Show which route a request would match, where it would go and how it would be rewritten, without sending it.") { method, url, headers };
        source.AddTo(test);
        test.SetAction((parse, cancellation) =>
        {
            var request = new RouteTestRequest(parse.GetValue(method)!, parse.GetValue(url)!, parse.GetValue(headers) ?? []);
            return source.RunAsync(
                parse,
                async config => Print(await RouteTester.TestAsync(config, request).ConfigureAwait(false), source.Json(parse)),
                async client =>
                {
                    var query = AdminClient.Query([("method", request.Method), ("url", request.Url), .. request.Headers.Select(h => ("header", h))]);
                    var (report, error) = await client.GetAsync($"/admin/route-test?{query}", InspectionJsonContext.Default.RouteTestReport, cancellation).ConfigureAwait(false);
                    if (report is null)
                    {
                        Console.Error.WriteLine(error);
                        return 2;
                    }

                    return Print(report, source.Json(parse));
                });
        });
        return new Command("route", "Work with routes.") { test };
    }

    private static int Print(RouteTestReport report, bool json)
    {
        if (report.Error is not null && !json)
        {
            Console.Error.WriteLine(report.Error);
            return 2;
        }

        Console.Out.Write(json ? JsonSerializer.Serialize(report, InspectionJsonContext.Default.RouteTestReport) + "\n" : Text(report));
        return report.Error is not null ? 2 : report.Route is null ? 1 : 0;
    }

    public static string Text(RouteTestReport report)
    {
        var text = new StringBuilder();
        Line(text, "outcome", report.Outcome);
        Line(text, "listener", report.Listener);
        Line(text, "path", report.Path);
        Line(text, "virtual host", report.VirtualHost);
        Line(text, "route", report.Route is null ? null : report.Route == report.RouteKey ? report.Route : $"{report.Route}   (key {report.RouteKey})");
        Line(text, "defined at", report.RouteDefinedAt);
        Line(text, "matched by", report.MatchedBy);
        if (report.Route is not null)
        {
            Line(text, "next match", report.NextRoute is null ? "none (no later route matches this request)" : $"{report.NextRoute}   (key {report.NextRouteKey})");
        }

        Line(text, "action", report.Action);
        Line(text, "upstream", report.Upstream);
        Line(text, "endpoint", report.Endpoint);
        if (report.Filters.Count > 0)
        {
            text.Append("filters in stage order:\n");
            foreach (var filter in report.Filters)
            {
                text.Append("  ").Append(filter.Stage.PadRight(10)).Append(filter.Option.PadRight(22)).Append(filter.Outcome).Append('\n')
                    .Append("  ").Append(string.Empty.PadRight(32)).Append(filter.Description).Append('\n');
            }
        }

        if (report.UpstreamPath is not null)
        {
            text.Append("upstream request:\n");
            text.Append("  ").Append(report.UpstreamPath).Append('\n');
            text.Append("  host: ").Append(report.UpstreamHost).Append('\n');
            foreach (var header in report.UpstreamHeaders)
            {
                text.Append("  ").Append(header).Append('\n');
            }
        }

        if (report.ResponseHeaders.Count > 0)
        {
            text.Append("response headers set by the gateway:\n");
            foreach (var header in report.ResponseHeaders)
            {
                text.Append("  ").Append(header).Append('\n');
            }
        }

        return text.ToString();
    }

    private static void Line(StringBuilder text, string label, string? value)
    {
        if (value is not null)
        {
            text.Append(label.PadRight(14)).Append(value).Append('\n');
        }
    }
}
