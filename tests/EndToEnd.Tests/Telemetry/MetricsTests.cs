using System.Net;
using Microsoft.AspNetCore.Http;
using Sluice.EndToEnd.Tests.Harness;

namespace Sluice.EndToEnd.Tests.Telemetry;

[Collection(TelemetryCollection.Name)]
public sealed class MetricsTests
{
    [Fact]
    public async Task Metrics_AfterRealTraffic_AreValidPrometheusAndCountWhatHappened()
    {
        await using var backend = await TestBackend.StartAsync("app", context =>
        {
            context.Response.StatusCode = context.Request.Path.StartsWithSegments("/orders/fail") ? 500 : 200;
            return context.Response.WriteAsync("body of twenty bytes");
        });
        var closedPort = FreePort.Next();
        GatewayFixture? started = null;
        await using var gateway = started = await GatewayFixture.StartAsync(
            g =>
            {
                g.WriteFile("gateway.yaml", TelemetryYaml.Gateway(g.HttpPort));
                g.WriteFile("upstreams.yaml", TelemetryYaml.Upstream("app", backend.Port) + "---\n" + TelemetryYaml.Upstream("gone", closedPort));
                g.WriteFile("vs.yaml", TelemetryYaml.VirtualService(
                    TelemetryYaml.Route("orders", "/orders", "app") +
                    TelemetryYaml.Route("gone", "/gone", "gone", "retries: {retryOn: connect-failure, numRetries: 1}")));
            },
            defaultGateways: false);
        using var client = gateway.CreateClient();

        // Route "orders": 3 requests, 2 of them answered 500 by the backend.
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/orders/1")).StatusCode);
        Assert.Equal(HttpStatusCode.InternalServerError, (await client.GetAsync("/orders/fail/1")).StatusCode);
        Assert.Equal(HttpStatusCode.InternalServerError, (await client.GetAsync("/orders/fail/2?secret=x")).StatusCode);

        // No route: counted under a fixed empty route, never under its path.
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync("/nowhere/abc123")).StatusCode);

        // Refused connections, retried once.
        Assert.Equal(HttpStatusCode.BadGateway, (await client.GetAsync("/gone")).StatusCode);

        using var admin = gateway.CreateAdminClient();
        using var scrape = await admin.GetAsync("/metrics");
        Assert.Equal(HttpStatusCode.OK, scrape.StatusCode);
        Assert.StartsWith("text/plain", scrape.Content.Headers.ContentType!.MediaType);
        var text = await scrape.Content.ReadAsStringAsync();

        var (exitCode, output) = await PrometheusText.CheckAsync(text);
        Assert.True(exitCode == 0, $"promtool check metrics failed ({exitCode}):\n{output}");

        (string, string)[] orders = [("virtual_host", "default/vs"), ("route", "orders"), ("upstream", "default/app")];
        Assert.Equal(2, PrometheusText.Value(text, "sluice_requests_total", [.. orders, ("status_class", "5xx")]));
        Assert.Equal(1, PrometheusText.Value(text, "sluice_requests_total", [.. orders, ("status_class", "2xx")]));
        Assert.Equal(3, PrometheusText.Value(text, "sluice_request_duration_seconds_count", [.. orders, ("status_class", "2xx")]) + PrometheusText.Value(text, "sluice_request_duration_seconds_count", [.. orders, ("status_class", "5xx")]));
        Assert.Equal(2 * 20, PrometheusText.Value(text, "sluice_response_body_size_bytes_sum", [.. orders, ("status_class", "5xx")]));
        Assert.Equal(1, PrometheusText.Value(text, "sluice_requests_total", ("route", ""), ("status_class", "4xx")));
        Assert.DoesNotContain("abc123", text);
        Assert.DoesNotContain("secret", text);

        Assert.Equal(2, PrometheusText.Value(text, "sluice_upstream_attempts_total", ("upstream", "default/gone")));
        Assert.Equal(2, PrometheusText.Value(text, "sluice_upstream_failures_total", ("upstream", "default/gone"), ("reason", "connect_failure")));
        Assert.Equal(1, PrometheusText.Value(text, "sluice_upstream_retries_total", ("upstream", "default/gone")));
        Assert.Equal(1, PrometheusText.Value(text, "sluice_upstream_endpoint_healthy", ("upstream", "default/app"), ("endpoint", $"127.0.0.1:{backend.Port}")));

        Assert.Equal(started.Version, PrometheusText.Value(text, "sluice_config_version"));
        Assert.True(PrometheusText.Value(text, "sluice_config_reloads_total", ("result", "applied")) >= 1);
        Assert.Equal(1, PrometheusText.Value(text, "sluice_config_resources", ("kind", "VirtualService"), ("status", "accepted")));
        Assert.Equal(0, PrometheusText.Value(text, "sluice_config_resources", ("kind", "VirtualService"), ("status", "rejected")));
    }
}
