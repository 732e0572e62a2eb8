using System.Collections.Frozen;

namespace Sluice.Filters.Retry;

/// <summary>
/// Parses Envoy's comma-separated <c>retryOn</c> string. Conditions Envoy knows but Sluice does not implement are
/// reported as ignored (a retry that does not happen loses resilience, it never changes what is served); anything
/// else is an error with the list of what is supported.
/// </summary>
internal static class RetryOnParser
{
    private static readonly FrozenDictionary<string, RetryConditions> Supported = new Dictionary<string, RetryConditions>(StringComparer.Ordinal)
    {
        ["5xx"] = RetryConditions.FiveXx,
        ["gateway-error"] = RetryConditions.GatewayError,
        ["connect-failure"] = RetryConditions.ConnectFailure,
        ["reset"] = RetryConditions.Reset,
        ["refused-stream"] = RetryConditions.RefusedStream,
        ["retriable-4xx"] = RetryConditions.Retriable4xx,
        ["retriable-status-codes"] = RetryConditions.RetriableStatusCodes,
    }.ToFrozenDictionary(StringComparer.Ordinal);

    // Envoy's other x-envoy-retry-on and x-envoy-retry-grpc-on values.
    private static readonly FrozenSet<string> EnvoyOnly = FrozenSet.ToFrozenSet(
    [
        "retriable-headers", "envoy-ratelimited", "http3-post-connect-failure", "reset-before-request",
        "cancelled", "deadline-exceeded", "internal", "resource-exhausted", "unavailable",
    ], StringComparer.Ordinal);

    public static string SupportedList { get; } = string.Join(", ", Supported.Keys.Order(StringComparer.Ordinal));

    /// <summary>Parses <paramref name="retryOn"/>; problems go to <paramref name="diagnostics"/> (null at compile time, when it was validated already).</summary>
    public static RetryConditions Parse(string retryOn, IOptionsDiagnostics? diagnostics)
    {
        var conditions = RetryConditions.None;
        foreach (var range in retryOn.AsSpan().Split(','))
        {
            var token = retryOn.AsSpan()[range].Trim();
            if (token.IsEmpty)
            {
                continue;
            }

            var name = token.ToString();
            if (Supported.TryGetValue(name, out var condition))
            {
                conditions |= condition;
            }
            else if (EnvoyOnly.Contains(name))
            {
                diagnostics?.Warning("retryOn", $"retry condition '{name}' is not supported by Sluice yet and is ignored; supported: {SupportedList}");
            }
            else
            {
                diagnostics?.Error("retryOn", $"unknown retry condition '{name}'; write Envoy's names separated by commas, one of: {SupportedList}");
            }
        }

        return conditions;
    }
}
