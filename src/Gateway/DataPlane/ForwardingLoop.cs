using Sluice.Filters;
using Sluice.Filters.Retry;
using Sluice.Gateway.Configuration;
using Sluice.Gateway.Telemetry.Metrics;
using Sluice.Gateway.Telemetry.Tracing;
using Yarp.ReverseProxy.Forwarder;

namespace Sluice.Gateway.DataPlane;

/// <summary>
/// Forwarding for requests whose route retries or mirrors: attempts over YARP's forwarder, each to an endpoint the
/// upstream picks afresh (avoiding the previous one), while nothing of a response has been accepted for the client.
/// A response the policy retries is set aside by <see cref="RetryingTransformer"/> before YARP copies it; a failure
/// without a response (connect failure, reset, per-try timeout) is retried after YARP returns. Every attempt's outcome
/// goes to the upstream's passive health; every retry passes its circuit breaker; the route's <c>timeout</c> caps it all.
/// </summary>
internal sealed partial class ForwardingLoop(IHttpForwarder forwarder, TimeProvider time, ShadowSender shadows, ILogger<ForwardingLoop> logger)
{
    public async Task ForwardAsync(HttpContext context, ProxyExchange exchange, UpstreamCluster cluster, CompiledConfig config)
    {
        var shadowCluster = exchange.Shadow is { } shadow ? shadows.Resolve(exchange, shadow, config) : null;
        var body = RequestBodyReplay.Install(context, exchange.RetryPolicy, forShadow: shadowCluster is not null);
        try
        {
            if (shadowCluster is not null && body.IsHeldWhole)
            {
                // A request without a body, or with one already in memory, is mirrored alongside the primary, as Envoy does.
                await MirrorAsync(context, exchange, shadowCluster, body).ConfigureAwait(false);
                shadowCluster = null;
            }

            if (!cluster.TryEnterRequest(out var overflow))
            {
                await LocalReply.OverflowAsync(context, exchange, cluster, overflow).ConfigureAwait(false);
                return;
            }

            try
            {
                await RunAttemptsAsync(context, exchange, cluster, body).ConfigureAwait(false);
            }
            finally
            {
                cluster.ExitRequest();
            }

            if (shadowCluster is not null)
            {
                // A body the primary streamed is mirrored once it was read whole, after the primary's response.
                await MirrorAsync(context, exchange, shadowCluster, body).ConfigureAwait(false);
            }
        }
        finally
        {
            body.Restore();
        }
    }

    private async Task RunAttemptsAsync(HttpContext context, ProxyExchange exchange, UpstreamCluster cluster, RequestBodyReplay body)
    {
        var policy = exchange.RetryPolicy;
        var attempt = new ForwardingAttempt(exchange, cluster, policy, body);
        context.Features.Set(attempt);

        using var routeDeadline = exchange.Timeout is null ? null : CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted);
        if (exchange.Timeout is { } timeout)
        {
            routeDeadline!.CancelAfter(timeout);
        }

        var routeToken = routeDeadline?.Token ?? CancellationToken.None;

        UpstreamEndpoint? previous = null;
        var holdingRetry = false;
        try
        {
            for (var number = 1; ; number++)
            {
                var endpoint = cluster.PickEndpoint(exchange, previous);
                if (endpoint is null)
                {
                    await LocalReply.NoHealthyUpstreamAsync(context, exchange, cluster).ConfigureAwait(false);
                    return;
                }

                if (number > 1)
                {
                    PrepareRetry(context, exchange, body, number);
                }

                attempt.Begin(number);
                var error = ForwarderError.Request;
                var perTryExpired = false;
                UpstreamMetrics.AttemptSent(exchange, cluster.Name, endpoint.Address);
                var span = GatewayTracing.StartAttempt(cluster, endpoint, number);
                try
                {
                    (error, perTryExpired) = await SendAsync(context, endpoint, cluster, policy, routeToken).ConfigureAwait(false);
                }
                finally
                {
                    // Exactly one report per picked endpoint, whatever happened; a cancellation reported with 504 is
                    // a per-try or route timeout (the upstream's failure), any other cancellation is the client's.
                    var timedOut = (perTryExpired && error != ForwarderError.None) || ForwardingLog.RouteTimedOut(context, error, routeDeadline);
                    cluster.ReportOutcome(endpoint, timedOut ? StatusCodes.Status504GatewayTimeout : attempt.UpstreamStatus, error);
                    GatewayTracing.AttemptCompleted(span, attempt.UpstreamStatus, error != ForwarderError.None || attempt.RetryScheduled);
                    if (error != ForwarderError.None)
                    {
                        ForwardingLog.Report(context, exchange, cluster, error, timedOut);
                    }
                }

                if (holdingRetry)
                {
                    cluster.ExitRetry();
                    holdingRetry = false;
                }

                previous = endpoint;

                if (attempt.RetryScheduled)
                {
                    // The transformer set this response aside and took the retry's admission.
                    holdingRetry = true;
                    UpstreamMetrics.Retried(exchange, cluster.Name);
                    LogRetryOnStatus(cluster.Name, number, endpoint.Address, attempt.UpstreamStatus);
                    if (!await BackOffAsync(context, exchange, policy!, number, routeDeadline).ConfigureAwait(false))
                    {
                        return;
                    }

                    continue;
                }

                if (error == ForwarderError.None)
                {
                    if (number > 1 && attempt.UpstreamStatus >= 500 && policy is not null && policy.RetriesStatus(attempt.UpstreamStatus))
                    {
                        // Retried, and the last answer was still one the policy retries: Envoy's URX.
                        exchange.ResponseFlags |= ResponseFlags.UpstreamRetryLimitExceeded;
                    }

                    return;
                }

                if (ForwardingLog.RouteTimedOut(context, error, routeDeadline))
                {
                    await LocalReply.UpstreamTimeoutAsync(context, exchange).ConfigureAwait(false);
                    return;
                }

                if (context.RequestAborted.IsCancellationRequested || attempt.Committed || context.Response.HasStarted)
                {
                    // The client left, or a response was already on its way: nothing can be retried.
                    ForwardingLog.Failure(logger, context, error, cluster);
                    return;
                }

                var failure = perTryExpired ? AttemptFailure.PerTryTimeout : AttemptFailureClassifier.Classify(error, context.Features.Get<IForwarderErrorFeature>()?.Exception);
                string? overflow = null;
                if (failure != AttemptFailure.None && policy is not null && policy.RetriesFailure(failure) && attempt.MayRetry(failure) && cluster.TryEnterRetry(out overflow))
                {
                    holdingRetry = true;
                    UpstreamMetrics.Retried(exchange, cluster.Name);
                    LogRetryOnFailure(cluster.Name, number, endpoint.Address, failure);
                    if (!await BackOffAsync(context, exchange, policy, number, routeDeadline).ConfigureAwait(false))
                    {
                        return;
                    }

                    continue;
                }

                ForwardingLog.Failure(logger, context, error, cluster);
                if (number > 1)
                {
                    exchange.ResponseFlags |= ResponseFlags.UpstreamRetryLimitExceeded;
                }

                if (overflow is not null || attempt.Overflow is not null)
                {
                    context.Response.Headers[LocalReply.OverflowHeader] = overflow ?? attempt.Overflow;
                    UpstreamMetrics.Overflowed(exchange, cluster.Name, overflow ?? attempt.Overflow!);
                }

                if (failure == AttemptFailure.PerTryTimeout)
                {
                    // As Envoy: the last attempt's per-try timeout is the route's "upstream request timeout".
                    await LocalReply.UpstreamTimeoutAsync(context, exchange).ConfigureAwait(false);
                }

                return;
            }
        }
        finally
        {
            if (holdingRetry)
            {
                cluster.ExitRetry();
            }

            context.Features.Set<ForwardingAttempt>(null);
        }
    }

    private async ValueTask<(ForwarderError Error, bool PerTryExpired)> SendAsync(HttpContext context, UpstreamEndpoint endpoint, UpstreamCluster cluster, RetryPolicy? policy, CancellationToken routeToken)
    {
        if (policy?.PerTryTimeout is not { } perTryTimeout)
        {
            return (await forwarder.SendAsync(context, endpoint.Prefix, endpoint.Invoker, cluster.RequestConfig, RetryingTransformer.Instance, routeToken).ConfigureAwait(false), false);
        }

        using var perTry = new CancellationTokenSource(perTryTimeout, time);
        using var linked = routeToken.CanBeCanceled ? CancellationTokenSource.CreateLinkedTokenSource(routeToken, perTry.Token) : null;
        var error = await forwarder.SendAsync(context, endpoint.Prefix, endpoint.Invoker, cluster.RequestConfig, RetryingTransformer.Instance, linked?.Token ?? perTry.Token).ConfigureAwait(false);
        return (error, error != ForwarderError.None && perTry.IsCancellationRequested && !routeToken.IsCancellationRequested && !context.RequestAborted.IsCancellationRequested);
    }

    /// <summary>Resets what the failed attempt left on the response, and the body and attempt header, for the next one.</summary>
    private static void PrepareRetry(HttpContext context, ProxyExchange exchange, RequestBodyReplay body, int number)
    {
        // YARP refuses to forward once the status is not 200, and reports its error through a feature.
        context.Response.StatusCode = StatusCodes.Status200OK;
        context.Features.Set<IForwarderErrorFeature>(null);
        body.Rewind();
        exchange.AttemptCount = number;
        if (exchange.IncludeAttemptCountInRequest)
        {
            context.Request.Headers[AttemptCountResponseFilter.HeaderName] = AttemptCountText.Of(number);
        }
    }

    /// <summary>Waits Envoy's jittered back-off; false (with the reply written) when the route timed out or the client left.</summary>
    private async ValueTask<bool> BackOffAsync(HttpContext context, ProxyExchange exchange, RetryPolicy policy, int retry, CancellationTokenSource? routeDeadline)
    {
        var delay = policy.Backoff(retry);
        if (delay <= TimeSpan.Zero)
        {
            return !(routeDeadline?.IsCancellationRequested ?? context.RequestAborted.IsCancellationRequested);
        }

        try
        {
            await Task.Delay(delay, time, routeDeadline?.Token ?? context.RequestAborted).ConfigureAwait(false);
            return true;
        }
        catch (OperationCanceledException)
        {
            if (!context.RequestAborted.IsCancellationRequested)
            {
                await LocalReply.UpstreamTimeoutAsync(context, exchange).ConfigureAwait(false);
            }

            return false;
        }
    }

    private async ValueTask MirrorAsync(HttpContext context, ProxyExchange exchange, UpstreamCluster shadowCluster, RequestBodyReplay body)
    {
        var copy = body.CopyWhole(ShadowSender.MaxBufferedBodyBytes);
        if (copy is null)
        {
            shadows.LogNotSent(shadowCluster.Name, "the request body is not held whole (unknown length, larger than the mirror limit, or not read by the upstream)");
            return;
        }

        await shadows.SendAsync(context, exchange, shadowCluster, copy).ConfigureAwait(false);
    }

    [LoggerMessage(EventId = 101, Level = LogLevel.Debug, Message = "Retrying upstream {Upstream}: attempt {Attempt} to {Endpoint} answered {Status}")]
    private partial void LogRetryOnStatus(string upstream, int attempt, string endpoint, int status);

    [LoggerMessage(EventId = 102, Level = LogLevel.Debug, Message = "Retrying upstream {Upstream}: attempt {Attempt} to {Endpoint} failed with {Failure}")]
    private partial void LogRetryOnFailure(string upstream, int attempt, string endpoint, AttemptFailure failure);
}
