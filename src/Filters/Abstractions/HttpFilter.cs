namespace Sluice.Filters;

/// <summary>
/// One compiled, immutable filter instance in a route's chain. Compiled once per snapshot and shared by
/// every request on that route, so it must keep no per-request state in fields.
/// </summary>
public abstract class HttpFilter
{
    public abstract FilterStage Stage { get; }

    /// <summary>
    /// Order inside a stage, lowest first, where Gloo fixes one: <c>jwtStaged.beforeExtAuth</c>, then <c>extauth</c>,
    /// then <c>jwtStaged.afterExtAuth</c>, all in AuthN.
    /// </summary>
    public virtual int OrderInStage => 0;

    /// <summary>Runs before forwarding. Completes synchronously for most filters, hence ValueTask.</summary>
    public virtual ValueTask<FilterVerdict> OnRequestAsync(ProxyExchange exchange) => new(FilterVerdict.Continue);

    /// <summary>Runs when the upstream response headers are known, before they reach the client.</summary>
    public virtual void OnResponseHeaders(ProxyExchange exchange)
    {
    }

    /// <summary>
    /// Runs after the upstream response body has been copied to the client (or the gateway's own response written),
    /// in reverse stage order: where a filter that replaced the response body feature to buffer it writes the result.
    /// </summary>
    public virtual ValueTask OnResponseCompletedAsync(ProxyExchange exchange) => ValueTask.CompletedTask;

    /// <summary>A one-line description of this filter and its settings, for inspect and golden files.</summary>
    public virtual string Describe() => GetType().Name;
}
