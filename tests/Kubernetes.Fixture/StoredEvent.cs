using System.Text.Json.Nodes;

namespace Sluice.Kubernetes.Fixture;

/// <summary>One change in the bounded history that watches replay from. <see cref="Previous"/> lets a filtered watch
/// turn a modification that leaves (or enters) its selector into DELETED (or ADDED), as the API server does.</summary>
internal sealed record StoredEvent(long ResourceVersion, ApiResourceType Type, string EventType, JsonObject Object, JsonObject? Previous);
