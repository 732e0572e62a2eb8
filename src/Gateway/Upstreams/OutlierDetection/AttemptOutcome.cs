using Yarp.ReverseProxy.Forwarder;

namespace Sluice.Gateway.Upstreams.OutlierDetection;

/// <summary>What one attempt says about its endpoint's health, in Envoy's outlier detection terms.</summary>
internal enum AttemptOutcome
{
    /// <summary>Nothing about the endpoint: the client went away, or the gateway itself failed.</summary>
    Ignored = 0,

    /// <summary>The endpoint answered with a status below 500.</summary>
    Success = 1,

    /// <summary>The endpoint answered 500-599 other than 502, 503, 504.</summary>
    ServerError = 2,

    /// <summary>The endpoint answered 502, 503 or 504 (Envoy's gateway failures, also 5xx).</summary>
    GatewayFailure = 3,

    /// <summary>Envoy's local-origin failure: connection refused or reset, or a timeout, before or during the response.</summary>
    LocalOriginFailure = 4,
}

internal static class AttemptOutcomes
{
    /// <summary>
    /// Classifies a reported attempt. YARP's passive health counts only transport errors; Envoy (and Sluice) also
    /// counts the statuses the upstream answered. A cancellation reported with 504 is a per-try or route timeout;
    /// any other cancellation is the client's.
    /// </summary>
    public static AttemptOutcome Classify(int statusCode, ForwarderError error) => error switch
    {
        ForwarderError.None => statusCode switch
        {
            502 or 503 or 504 => AttemptOutcome.GatewayFailure,
            >= 500 and <= 599 => AttemptOutcome.ServerError,
            _ => AttemptOutcome.Success,
        },
        ForwarderError.Request or ForwarderError.RequestTimedOut or ForwarderError.RequestBodyDestination
            or ForwarderError.ResponseHeaders or ForwarderError.ResponseBodyDestination
            or ForwarderError.UpgradeRequestDestination or ForwarderError.UpgradeResponseDestination => AttemptOutcome.LocalOriginFailure,
        ForwarderError.RequestCanceled or ForwarderError.RequestBodyCanceled or ForwarderError.ResponseBodyCanceled
            when statusCode == 504 => AttemptOutcome.LocalOriginFailure,
        _ => AttemptOutcome.Ignored,
    };
}
