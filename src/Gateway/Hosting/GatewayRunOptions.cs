using System.Net;
using Sluice.Gateway.Admission;

namespace Sluice.Gateway;

/// <summary>What <c>sluice run</c> was asked to do.</summary>
internal sealed record GatewayRunOptions
{
    public required IReadOnlyList<string> ConfigPaths { get; init; }

    public required string StateDirectory { get; init; }

    public required IPEndPoint AdminEndpoint { get; init; }

    /// <summary>The validating admission webhook's listener and certificate; none when not set.</summary>
    public WebhookOptions? Webhook { get; init; }

    /// <summary>How long SIGTERM waits for in-flight requests before closing connections.</summary>
    public TimeSpan DrainTimeout { get; init; } = TimeSpan.FromSeconds(25);

    /// <summary>How long files must stay untouched before a reload reads them (a save may be half written before).</summary>
    public TimeSpan ReloadQuietPeriod { get; init; } = TimeSpan.FromMilliseconds(150);

    public TimeSpan ReloadPollInterval { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>Requests in flight across all listeners beyond which new ones are shed with 503 and Retry-After.</summary>
    public int MaxRequestsInFlight { get; init; } = 10_000;

    /// <summary>When set, the admin API (not /healthz and /readyz) requires <c>Authorization: Bearer</c> with this token.</summary>
    public string? AdminToken { get; init; }

    /// <summary>Which Ingresses are ours and the listener ports that serve them.</summary>
    public Sluice.Discovery.Ingress.IngressControllerSettings Ingress { get; init; } = Sluice.Discovery.Ingress.IngressControllerSettings.Default;

    /// <summary>Tracing switches and the OTLP endpoint.</summary>
    public Telemetry.TelemetryOptions Telemetry { get; init; } = new();
}
