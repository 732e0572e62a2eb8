using Sluice.Filters;
using Sluice.Filters.Retry;

namespace Sluice.Gateway.DataPlane;

/// <summary>
/// One request's state across its attempts on the retrying path, shared with <see cref="RetryingTransformer"/> through
/// the request's features: which attempt this is, what the upstream answered, and whether that answer was accepted
/// (copied towards the client, after which nothing is retried) or set aside for a retry.
/// </summary>
internal sealed class ForwardingAttempt(ProxyExchange exchange, UpstreamCluster cluster, RetryPolicy? policy, RequestBodyReplay body)
{
    public ProxyExchange Exchange { get; } = exchange;

    public UpstreamCluster Cluster { get; } = cluster;

    public RetryPolicy? Policy { get; } = policy;

    public RequestBodyReplay Body { get; } = body;

    /// <summary>The attempt under way, from 1.</summary>
    public int Number { get; set; }

    /// <summary>The status the upstream answered this attempt, 0 when it gave no response.</summary>
    public int UpstreamStatus { get; set; }

    /// <summary>A response was accepted and is being copied to the client: the request is past retrying.</summary>
    public bool Committed { get; set; }

    /// <summary>This attempt's response was set aside, and a retry admitted (the caller holds a retry slot).</summary>
    public bool RetryScheduled { get; set; }

    /// <summary>The circuit breaker that refused a retry, if one did.</summary>
    public string? Overflow { get; set; }

    public void Begin(int number)
    {
        Number = number;
        UpstreamStatus = 0;
        RetryScheduled = false;
    }

    /// <summary>Whether this request may take one more attempt after this one, before admission.</summary>
    public bool MayRetry(AttemptFailure failure) =>
        Policy is { } policy &&
        Number <= policy.NumRetries &&
        policy.AllowsMethod(Exchange.HttpContext.Request.Method, failure) &&
        Body.CanReplay;

    /// <summary>Whether a response with <paramref name="status"/> is set aside for a retry; takes the retry's admission.</summary>
    public bool TryScheduleRetry(int status)
    {
        if (Policy is not { } policy || !policy.RetriesStatus(status) || !MayRetry(AttemptFailure.None))
        {
            return false;
        }

        if (!Cluster.TryEnterRetry(out var overflow))
        {
            Overflow = overflow ?? "retry";
            return false;
        }

        RetryScheduled = true;
        return true;
    }
}
