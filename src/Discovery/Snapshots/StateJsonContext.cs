using System.Text.Json.Serialization;

namespace Sluice.Discovery.Snapshots;

[JsonSourceGenerationOptions(WriteIndented = false, PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase)]
[JsonSerializable(typeof(LastGoodResources.StateFile))]
internal sealed partial class StateJsonContext : JsonSerializerContext;
