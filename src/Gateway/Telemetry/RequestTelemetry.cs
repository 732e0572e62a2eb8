using System.Diagnostics;
using Sluice.Filters;
using Sluice.Gateway.Telemetry.AccessLogs;
using Sluice.Gateway.Telemetry.Metrics;
using Sluice.Gateway.Telemetry.Tracing;

namespace Sluice.Gateway.Telemetry;

/// <summary>
/// The end of every downstream request, called exactly once per request whatever happened: one count, duration and
/// size measurement tagged by virtual host, route, upstream and status class (all configuration names or fixed
/// strings: a request that matched nothing has empty route and virtual host tags), the request span closed, and the
/// access log record queued when the listener logs and the route did not opt out. Nothing here formats or blocks.
/// </summary>
internal sealed class RequestTelemetry(AccessLogWriter accessLog)
{
    public void Completed(HttpContext context, long startedAt, AccessLogPolicy? policy, string virtualHost, string route, ProxyExchange? exchange, ResponseFlags flags, in RequestTrace trace)
    {
        var elapsed = Stopwatch.GetTimestamp() - startedAt;
        var request = context.Request;
        var response = context.Response;
        var status = response.StatusCode;
        if (exchange is not null)
        {
            flags |= exchange.ResponseFlags;
        }

        if (context.RequestAborted.IsCancellationRequested)
        {
            flags |= ResponseFlags.DownstreamConnectionTermination;
        }

        var upstream = exchange?.UpstreamName ?? string.Empty;
        var received = request.ContentLength ?? 0;
        var sent = exchange?.CountedResponseBody is ByteCountingStream counted ? counted.BytesWritten : response.ContentLength ?? 0;

        var tags = new TagList
        {
            { "virtual_host", virtualHost },
            { "route", route },
            { "upstream", upstream },
            { "status_class", StatusClass.Of(status) },
        };
        GatewayInstruments.Requests.Add(1, in tags);
        GatewayInstruments.RequestDuration.Record((double)elapsed / Stopwatch.Frequency, in tags);
        GatewayInstruments.RequestSize.Record(received, in tags);
        GatewayInstruments.ResponseSize.Record(sent, in tags);

        var traceId = trace.TraceId;
        GatewayTracing.RequestCompleted(trace.Activity, status, exchange?.UpstreamName);

        if (policy is null || exchange is { AccessLogDisabled: true })
        {
            return;
        }

        var headers = request.Headers;
        string?[]? captured = null;
        if (policy.CapturedHeaders.Length > 0)
        {
            captured = new string?[policy.CapturedHeaders.Length];
            for (var i = 0; i < captured.Length; i++)
            {
                var value = headers[policy.CapturedHeaders[i]];
                captured[i] = value.Count == 0 ? null : value.ToString();
            }
        }

        var connection = context.Connection;
        accessLog.TryWrite(new AccessLogRecord
        {
            Policy = policy,
            EndTime = DateTime.UtcNow,
            DurationTicks = elapsed,
            Method = request.Method,
            Path = request.Path.Value,
            Query = request.QueryString.Value,
            Authority = request.Host.Value,
            Protocol = request.Protocol,
            Status = status,
            Flags = flags,
            BytesReceived = received,
            BytesSent = sent,
            UpstreamHost = exchange?.UpstreamAddress,
            UpstreamCluster = exchange?.UpstreamName,
            UpstreamServiceTicks = exchange?.UpstreamServiceTicks ?? 0,
            Route = route,
            VirtualHost = virtualHost,
            TraceId = traceId,
            ClientAddress = connection.RemoteIpAddress,
            ClientPort = connection.RemotePort,
            UserAgent = headers.UserAgent.Count == 0 ? null : headers.UserAgent.ToString(),
            RequestId = headers.TryGetValue("x-request-id", out var requestId) ? requestId.ToString() : null,
            Headers = captured,
        });
    }
}
