namespace Sluice.Filters;

/// <summary>
/// Sends a side request to an Upstream by name, for filters that call out (a Wasm filter's <c>proxy_http_call</c>).
/// The gateway implements it over its live snapshot, so the call takes the Upstream's endpoints, load balancer and
/// circuit breakers like any forwarded request.
/// </summary>
public interface IUpstreamHttpClient
{
    /// <summary>
    /// Sends <paramref name="request"/> (its URI holds only the path and query) to the Upstream <paramref name="upstream"/>,
    /// written <c>namespace/name</c> or <c>name</c> (then the exchange's virtual service namespace, else <c>default</c>).
    /// Returns null, without sending, when no Upstream has that name.
    /// </summary>
    Task<HttpResponseMessage>? SendAsync(string upstream, ProxyExchange? exchange, HttpRequestMessage request, CancellationToken cancellationToken);
}
