using System.Text.Json;
using System.Text.Json.Serialization;

namespace Sluice.Gateway.Inspection;

/// <summary>JSON for the inspection answers, shared by the admin API (writing) and the CLI (reading).</summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, WriteIndented = true, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(InspectResult))]
[JsonSerializable(typeof(RouteTestReport))]
[JsonSerializable(typeof(RouteTestRequest))]
[JsonSerializable(typeof(IReadOnlyList<ResourceReport>))]
[JsonSerializable(typeof(CheckReport))]
[JsonSerializable(typeof(DashboardReport))]
internal sealed partial class InspectionJsonContext : JsonSerializerContext;
