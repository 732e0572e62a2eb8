using System.Net;
using System.Text.Json;
using Sluice.Discovery.Model;
using Sluice.Gateway.Configuration;
using Sluice.Gateway.Listeners;

namespace Sluice.Gateway.Admin;

/// <summary>
/// The admin API: liveness, readiness (ready once the first snapshot serves) and the live configuration with every
/// resource's status and reasons. It shows resource identities and diagnostics, never certificate or key material.
/// </summary>
internal static class AdminEndpoints
{
    public static void Map(WebApplication app)
    {
        var options = app.Services.GetRequiredService<GatewayRunOptions>();
        if (options.AdminToken is { } token)
        {
            app.Use(AdminToken.Require(token));
        }

        if (!IPAddress.IsLoopback(options.AdminEndpoint.Address) && options.AdminToken is null)
        {
            app.Logger.LogWarning("The admin API listens on {Address}, beyond loopback, without --admin-token-file: anyone who reaches it can read the configuration", options.AdminEndpoint);
        }

        app.MapGet("/healthz", () => Results.Text("ok\n"));
        app.MapPrometheusScrapingEndpoint("/metrics");
        app.MapGet("/readyz", (ConfigStore store, ListenerManager listeners) =>
            store.HasServedConfig && listeners.Ready ? Results.Text("ready\n") : Results.Text("not ready: no configuration served yet\n", statusCode: 503));
        app.MapGet("/admin/config", (ConfigStore store, ListenerManager listeners) =>
            Results.Bytes(ConfigJson(store, listeners), "application/json"));
        InspectionEndpoints.Map(app);
        DashboardEndpoints.Map(app);
    }

    private static byte[] ConfigJson(ConfigStore store, ListenerManager listeners)
    {
        var config = store.Current;
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true }))
        {
            json.WriteStartObject();
            json.WriteNumber("version", config.Version);
            json.WriteString("createdAt", config.Source.CreatedAt);
            json.WriteStartArray("listeners");
            foreach (var listener in config.Listeners.Values.OrderBy(l => l.Port))
            {
                json.WriteStartObject();
                json.WriteString("name", listener.Name);
                json.WriteString("bindAddress", listener.BindAddress);
                json.WriteNumber("port", listener.Port);
                json.WriteBoolean("ssl", listener.Ssl);
                json.WriteBoolean("bound", listeners.Bound.Contains((listener.BindAddress, listener.Port, listener.Ssl)));
                json.WriteStartArray("virtualHosts");
                foreach (var host in listener.Hosts.VirtualHosts)
                {
                    json.WriteStartObject();
                    json.WriteString("name", host.Name);
                    json.WriteStartArray("routes");
                    foreach (var route in host.Routes)
                    {
                        json.WriteStartObject();
                        json.WriteString("name", route.Name);
                        json.WriteString("source", route.Provenance);
                        json.WriteString("match", string.Join(" or ", route.Conditions.Select(c => c.Describe())));
                        json.WriteEndObject();
                    }

                    json.WriteEndArray();
                    json.WriteEndObject();
                }

                json.WriteEndArray();
                json.WriteEndObject();
            }

            json.WriteEndArray();
            json.WriteStartArray("resources");
            foreach (var status in config.Source.Statuses)
            {
                json.WriteStartObject();
                json.WriteString("kind", status.Id.Kind.ToString());
                json.WriteString("namespace", status.Id.Namespace);
                json.WriteString("name", status.Id.Name);
                json.WriteString("status", status.State.ToString());
                json.WriteBoolean("served", status.Served);
                json.WriteBoolean("servingLastGood", status.ServingLastGood);
                if (status.File is not null)
                {
                    json.WriteString("file", status.File);
                }

                WriteReasons(json, status.Reasons);
                json.WriteEndObject();
            }

            json.WriteEndArray();
            WriteReasons(json, config.Source.FileDiagnostics, "fileProblems");
            json.WriteStartArray("reloads");
            foreach (var reload in store.History)
            {
                json.WriteStartObject();
                json.WriteNumber("version", reload.Version);
                json.WriteString("at", reload.At);
                json.WriteString("reason", reload.Reason);
                json.WriteNumber("durationMs", Math.Round(reload.Duration.TotalMilliseconds, 2));
                json.WriteNumber("rejected", reload.Rejected);
                json.WriteEndObject();
            }

            json.WriteEndArray();
            json.WriteEndObject();
        }

        return buffer.ToArray();
    }

    private static void WriteReasons(Utf8JsonWriter json, IReadOnlyList<Diagnostic> diagnostics, string name = "reasons")
    {
        json.WriteStartArray(name);
        foreach (var diagnostic in diagnostics)
        {
            json.WriteStartObject();
            json.WriteString("severity", diagnostic.IsError ? "error" : "warning");
            json.WriteString("file", diagnostic.File);
            json.WriteNumber("line", diagnostic.Position.Line);
            json.WriteNumber("column", diagnostic.Position.Column);
            json.WriteString("field", diagnostic.FieldPath);
            json.WriteString("message", diagnostic.Message);
            json.WriteEndObject();
        }

        json.WriteEndArray();
    }
}
