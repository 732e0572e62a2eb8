using System.Text.Json;
using Sluice.Gateway.Configuration;
using Sluice.Gateway.Inspection;

namespace Sluice.Gateway.Admin;

/// <summary>
/// The read-only dashboard on the admin listener: <c>/dashboard</c> (server-rendered HTML), its two static assets
/// (embedded in the binary, nothing fetched from the internet) and <c>/admin/dashboard</c>, the JSON it polls.
/// </summary>
internal static class DashboardEndpoints
{
    public static void Map(WebApplication app)
    {
        // Listening starts with the admin API so the rates cover the traffic since start, not since the first page view.
        var traffic = new RouteTrafficRecorder(TimeProvider.System);
        app.Lifetime.ApplicationStopped.Register(traffic.Dispose);
        var script = Asset("dashboard.js");
        var styles = Asset("dashboard.css");

        app.MapGet("/admin/dashboard", (ConfigStore store, TimeProvider time) =>
            Results.Text(JsonSerializer.SerializeToUtf8Bytes(Report(store, traffic, time), InspectionJsonContext.Default.DashboardReport), "application/json"));
        app.MapGet("/dashboard", (ConfigStore store, TimeProvider time) =>
            Results.Text(DashboardPage.Render(Report(store, traffic, time)), "text/html; charset=utf-8"));
        app.MapGet("/dashboard/dashboard.js", () => Results.Text(script, "text/javascript; charset=utf-8"));
        app.MapGet("/dashboard/dashboard.css", () => Results.Text(styles, "text/css; charset=utf-8"));
    }

    private static DashboardReport Report(ConfigStore store, RouteTrafficRecorder traffic, TimeProvider time) =>
        DashboardReport.Build(store.Current, store.History, traffic, time.GetUtcNow());

    private static byte[] Asset(string name)
    {
        using var stream = typeof(DashboardEndpoints).Assembly.GetManifestResourceStream($"Sluice.Gateway.Admin.Dashboard.{name}")
            ?? throw new InvalidOperationException($"the dashboard asset {name} is not embedded");
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        return copy.ToArray();
    }
}
