using System.Globalization;
using System.Text.Json;
using Sluice.Filters;
using Sluice.Gateway.Configuration;
using Sluice.Gateway.Inspection;

namespace Sluice.Gateway.Admin;

/// <summary>
/// The admin side of <c>sluice inspect</c>, <c>route test</c>, <c>get</c> and <c>check</c>: the same answers the CLI
/// computes offline, computed on the live config with live endpoint health. Read-only; nothing here changes what
/// the gateway serves, and no answer carries key material (certificates are referred to by file path).
/// </summary>
internal static class InspectionEndpoints
{
    public static void Map(WebApplication app)
    {
        app.MapGet("/admin/inspect", (ConfigStore store, string? kind, string? name) =>
        {
            if (string.IsNullOrEmpty(name))
            {
                return Json(new InspectResult { Error = "name is required" }, StatusCodes.Status400BadRequest);
            }

            var inspector = new ConfigInspector(store.Current, FilterRegistry.Default, liveHealth: true);
            InspectResult? result = kind switch
            {
                "route" => inspector.Route(name),
                "host" => inspector.Host(name),
                "upstream" => inspector.Upstream(name),
                _ => null,
            };
            return result is null
                ? Json(new InspectResult { Error = $"kind must be route, host or upstream, not '{kind}'" }, StatusCodes.Status400BadRequest)
                : Json(result, result.Error is null ? StatusCodes.Status200OK : StatusCodes.Status404NotFound);
        });

        app.MapGet("/admin/route-test", async (ConfigStore store, HttpRequest request) =>
        {
            var method = request.Query["method"].ToString();
            var url = request.Query["url"].ToString();
            if (method.Length == 0 || url.Length == 0)
            {
                return Json(new RouteTestReport { Outcome = "error", Error = "method and url are required" }, StatusCodes.Status400BadRequest);
            }

            var report = await RouteTester.TestAsync(store.Current, new RouteTestRequest(method, url, [.. request.Query["header"].Select(h => h ?? string.Empty)])).ConfigureAwait(false);
            return Json(report, report.Error is null ? StatusCodes.Status200OK : StatusCodes.Status400BadRequest);
        });

        app.MapGet("/admin/resources", (ConfigStore store, string? kind) =>
        {
            if (!ResourceListing.KindsByName.TryGetValue(kind ?? "all", out var kinds))
            {
                return Results.Text($"unknown kind '{kind}'; one of: {string.Join(", ", ResourceListing.KindsByName.Keys)}\n", statusCode: StatusCodes.Status400BadRequest);
            }

            return Json(ResourceListing.List(store.Current, kinds), StatusCodes.Status200OK);
        });

        app.MapGet("/admin/check", (ConfigStore store, TimeProvider time, string? expiryDays) =>
        {
            var days = 14;
            if (expiryDays is not null && (!int.TryParse(expiryDays, NumberStyles.None, CultureInfo.InvariantCulture, out days) || days > 3650))
            {
                return Results.Text("expiryDays must be a whole number of days (0-3650)\n", statusCode: StatusCodes.Status400BadRequest);
            }

            return Json(HealthSummary.Check(store.Current, liveHealth: true, TimeSpan.FromDays(days), time.GetUtcNow()), StatusCodes.Status200OK);
        });
    }

    private static IResult Json<T>(T value, int status) =>
        Results.Text(JsonSerializer.SerializeToUtf8Bytes(value, typeof(T), InspectionJsonContext.Default), "application/json", status);
}
