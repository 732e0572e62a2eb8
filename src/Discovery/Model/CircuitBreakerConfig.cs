namespace Sluice.Discovery.Model;

/// <summary>Gloo's <c>circuitBreakers</c>: Envoy's per-upstream limits. Envoy's defaults are 1024, 1024, 1024 and 3.</summary>
public sealed record CircuitBreakerConfig
{
    /// <summary>Connections to each endpoint (SocketsHttpHandler.MaxConnectionsPerServer); Envoy counts the whole upstream.</summary>
    public uint? MaxConnections { get; init; }

    /// <summary>Requests waiting for a connection: in flight beyond maxConnections per endpoint (HTTP/1.1).</summary>
    public uint? MaxPendingRequests { get; init; }

    /// <summary>Requests in flight to the upstream at once.</summary>
    public uint? MaxRequests { get; init; }

    /// <summary>Retries in flight to the upstream at once.</summary>
    public uint? MaxRetries { get; init; }
}
