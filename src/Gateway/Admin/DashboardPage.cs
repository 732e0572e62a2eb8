using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using Sluice.Gateway.Inspection;

namespace Sluice.Gateway.Admin;

/// <summary>
/// Renders the dashboard on the server, so the page reads complete without script; <c>dashboard.js</c> then polls
/// <c>/admin/dashboard</c> and refreshes rates, health and reloads in place. No external asset: it must work on a
/// machine with no internet access.
/// </summary>
internal static class DashboardPage
{
    public static string Render(DashboardReport report)
    {
        var html = new StringBuilder(16 * 1024);
        html.Append("""
            <!DOCTYPE html>
            <html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
            <title>Sluice dashboard</title><link rel="stylesheet" href="/dashboard/dashboard.css"></head>
            """);
        html.Append(CultureInfo.InvariantCulture, $"<body data-version=\"{report.Version}\">\n<header><h1>Sluice</h1><span class=\"meta\">config version <b id=\"version\">{report.Version}</b> · updated <span id=\"generated\">{E(report.GeneratedAt.ToString("HH:mm:ss", CultureInfo.InvariantCulture))}</span> UTC · <span id=\"live\">refreshes every 5 s</span></span></header>\n<main>\n");
        Problems(html, report);
        Hosts(html, report);
        Upstreams(html, report);
        Reloads(html, report);
        html.Append("</main>\n<script src=\"/dashboard/dashboard.js\"></script>\n</body></html>\n");
        return html.ToString();
    }

    private static void Problems(StringBuilder html, DashboardReport report)
    {
        html.Append("<section id=\"problems\"><h2>Problems</h2>\n");
        if (report.Problems.Count == 0)
        {
            html.Append("<p class=\"ok\">No rejected resources and no warnings.</p></section>\n");
            return;
        }

        html.Append("<table><thead><tr><th>Kind</th><th>Name</th><th>Status</th><th>Reason</th></tr></thead><tbody>\n");
        foreach (var problem in report.Problems)
        {
            var status = problem.ServingLastGood ? $"{problem.Status} (serving last good)" : problem.Status;
            html.Append(CultureInfo.InvariantCulture, $"<tr class=\"{StatusClass(problem.Status)}\"><td>{E(problem.Kind)}</td><td>{E(problem.Name)}</td><td><span class=\"badge {StatusClass(problem.Status)}\">{E(status)}</span></td><td class=\"reason\">{string.Join("<br>", problem.Reasons.Select(E))}</td></tr>\n");
        }

        html.Append("</tbody></table></section>\n");
    }

    private static void Hosts(StringBuilder html, DashboardReport report)
    {
        html.Append("<section id=\"hosts\"><h2>Virtual hosts and routes</h2>\n");
        if (!report.ObservingRequests)
        {
            html.Append("<p class=\"note\" id=\"no-traffic\">No request has been counted yet: rates appear with the first request.</p>\n");
        }

        if (report.Hosts.Count == 0)
        {
            html.Append("<p>No virtual host is served.</p>\n");
        }

        foreach (var host in report.Hosts)
        {
            html.Append(CultureInfo.InvariantCulture, $"<div class=\"host\"><h3>{E(host.Name)} <span class=\"badge {StatusClass(host.Status)}\">{E(host.Status)}</span></h3>\n");
            html.Append(CultureInfo.InvariantCulture, $"<p class=\"meta\">domains {E(host.Domains)} · {E(host.Listeners)}</p>\n");
            foreach (var reason in host.Reasons)
            {
                html.Append(CultureInfo.InvariantCulture, $"<p class=\"reason\">{E(reason)}</p>\n");
            }

            html.Append("<table><thead><tr><th>#</th><th>Route</th><th>Match</th><th>Action</th><th>Status</th><th class=\"num\">req/s (1 min)</th><th class=\"num\">5xx (1 min)</th><th class=\"num\">requests (5 min)</th><th>last 5 min</th></tr></thead><tbody>\n");
            var index = 0;
            foreach (var route in host.Routes)
            {
                html.Append(CultureInfo.InvariantCulture, $"<tr data-route=\"{E(route.Key)}\"><td>{index++}</td><td class=\"name\">{E(route.Name)}</td><td>{E(route.Match)}</td><td>{E(route.Action)}</td><td><span class=\"badge {StatusClass(route.Status)}\">{E(route.Status)}</span></td>");
                html.Append(CultureInfo.InvariantCulture, $"<td class=\"num rate\">{Number(route.RequestsPerSecond1m, "F2")}</td><td class=\"num errors{(route.ErrorPercent1m > 0 ? " bad" : string.Empty)}\">{Percent(route.ErrorPercent1m)}</td><td class=\"num total\">{Number(route.Requests5m, "F0")}</td><td class=\"spark\">{Sparkline(route.Series)}</td></tr>\n");
            }

            html.Append("</tbody></table></div>\n");
        }

        html.Append("</section>\n");
    }

    private static void Upstreams(StringBuilder html, DashboardReport report)
    {
        html.Append("<section id=\"upstreams\"><h2>Upstreams</h2>\n<table><thead><tr><th>Upstream</th><th>Endpoint</th><th>Health</th><th class=\"num\">active</th><th>Policies</th></tr></thead><tbody>\n");
        foreach (var upstream in report.Upstreams)
        {
            if (upstream.Endpoints.Count == 0)
            {
                html.Append(CultureInfo.InvariantCulture, $"<tr class=\"bad\"><td>{E(upstream.Name)}</td><td>-</td><td class=\"health bad\">no endpoints</td><td></td><td class=\"meta\">{E(upstream.Policies)}</td></tr>\n");
                continue;
            }

            var first = true;
            foreach (var endpoint in upstream.Endpoints)
            {
                var name = first ? $"{E(upstream.Name)} <span class=\"meta\">{upstream.Healthy}/{upstream.Endpoints.Count} healthy</span>" : string.Empty;
                html.Append(CultureInfo.InvariantCulture, $"<tr data-endpoint=\"{E(upstream.Name)}|{E(endpoint.Address)}\"><td>{name}</td><td>{E(endpoint.Address)}</td><td class=\"health {HealthClass(endpoint.Health)}\">{E(endpoint.Health)}</td><td class=\"num active\">{endpoint.ActiveRequests}</td><td class=\"meta\">{(first ? E(upstream.Policies) : string.Empty)}</td></tr>\n");
                first = false;
            }
        }

        html.Append("</tbody></table></section>\n");
    }

    private static void Reloads(StringBuilder html, DashboardReport report)
    {
        html.Append("<section id=\"reloads\"><h2>Recent reloads</h2>\n<table><thead><tr><th>Version</th><th>At (UTC)</th><th>Reason</th><th class=\"num\">ms</th><th class=\"num\">resources</th><th>Outcome</th></tr></thead><tbody id=\"reload-rows\">\n");
        foreach (var reload in report.Reloads)
        {
            html.Append(CultureInfo.InvariantCulture, $"<tr class=\"{(reload.Rejected + reload.FileErrors > 0 ? "warn" : string.Empty)}\"><td>{reload.Version}</td><td>{E(reload.At.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture))}</td><td>{E(reload.Reason)}</td><td class=\"num\">{reload.DurationMs.ToString("F1", CultureInfo.InvariantCulture)}</td><td class=\"num\">{reload.Resources}</td><td>{E(reload.Outcome)}</td></tr>\n");
        }

        html.Append("</tbody></table></section>\n");
    }

    /// <summary>Bars of the requests per 10-second bucket, as inline SVG (the script draws the same).</summary>
    private static string Sparkline(long[]? series)
    {
        if (series is null)
        {
            return string.Empty;
        }

        var max = Math.Max(1, series.Max());
        var svg = new StringBuilder("<svg width=\"120\" height=\"20\" viewBox=\"0 0 120 20\" aria-hidden=\"true\"><rect class=\"axis\" x=\"0\" y=\"19\" width=\"120\" height=\"1\"></rect>");
        for (var i = 0; i < series.Length; i++)
        {
            var height = series[i] == 0 ? 0 : Math.Max(1, (int)Math.Round(series[i] * 20.0 / max));
            svg.Append(CultureInfo.InvariantCulture, $"<rect x=\"{i * 4}\" y=\"{20 - height}\" width=\"3\" height=\"{height}\"></rect>");
        }

        return svg.Append("</svg>").ToString();
    }

    private static string Number(double? value, string format) => value is { } v ? v.ToString(format, CultureInfo.InvariantCulture) : "—";

    private static string Number(long? value, string format) => value is { } v ? v.ToString(format, CultureInfo.InvariantCulture) : "—";

    private static string Percent(double? value) => value is { } v ? v.ToString("F1", CultureInfo.InvariantCulture) + " %" : "—";

    private static string StatusClass(string status) =>
        status.StartsWith("Rejected", StringComparison.Ordinal) ? "bad" : status.StartsWith("Warning", StringComparison.Ordinal) ? "warn" : "good";

    private static string HealthClass(string health) => health.StartsWith("healthy", StringComparison.Ordinal) ? "good" : health.StartsWith("pending", StringComparison.Ordinal) ? "warn" : "bad";

    private static string E(string value) => HtmlEncoder.Default.Encode(value);
}
