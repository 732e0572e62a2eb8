using System.Globalization;
using Sluice.Discovery.Kubernetes;

namespace Sluice.Gateway;

/// <summary>
/// What <c>/readyz</c> says while watches are down. The replica stays ready (200): it serves its last snapshot, and
/// taking every replica out of its Service because the API server is unreachable would turn a control-plane outage
/// into a data-plane one. The body says it is degraded and which watches are down, for people and for alerting.
/// </summary>
internal static class KubernetesReadiness
{
    public static string Degraded(KubernetesResourceSource source)
    {
        var down = source.Informers.Where(i => !i.IsWatching).Select(i => i.Resource).ToList();
        var oldest = source.Informers.Select(i => i.LastContact).Where(c => c is not null).Min();
        var since = oldest is { } contact ? $", last answer {contact.ToString("O", CultureInfo.InvariantCulture)}" : string.Empty;
        return $"ready (degraded: Kubernetes API unreachable for {down.Count} watches{since}; serving the last snapshot): {string.Join(", ", down)}\n";
    }
}
