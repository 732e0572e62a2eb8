using Sluice.Filters;

namespace Sluice.Gateway.Telemetry;

/// <summary>Envoy's short names for <see cref="ResponseFlags"/> (<c>UF,URX</c>); <c>-</c> for none, as Envoy prints.</summary>
internal static class ResponseFlagText
{
    private static readonly (ResponseFlags Flag, string Name)[] Names =
    [
        (ResponseFlags.NoRoute, "NR"),
        (ResponseFlags.NoHealthyUpstream, "UH"),
        (ResponseFlags.UpstreamConnectionFailure, "UF"),
        (ResponseFlags.UpstreamConnectionTermination, "UC"),
        (ResponseFlags.UpstreamOverflow, "UO"),
        (ResponseFlags.UpstreamRetryLimitExceeded, "URX"),
        (ResponseFlags.UpstreamRequestTimeout, "UT"),
        (ResponseFlags.DownstreamConnectionTermination, "DC"),
        (ResponseFlags.LocalReset, "LR"),
        (ResponseFlags.FaultInjected, "FI"),
        (ResponseFlags.RateLimited, "RL"),
        (ResponseFlags.UnauthorizedExternalService, "UAEX"),
    ];

    // Every combination is formatted once and kept: the background writer formats many lines with few distinct sets.
    private static readonly string?[] Cache = new string?[1 << 12];

    public static string Of(ResponseFlags flags)
    {
        var index = (int)flags & (Cache.Length - 1);
        return Cache[index] ??= Format((ResponseFlags)index);
    }

    private static string Format(ResponseFlags flags)
    {
        if (flags == ResponseFlags.None)
        {
            return "-";
        }

        var parts = new List<string>();
        foreach (var (flag, name) in Names)
        {
            if ((flags & flag) != 0)
            {
                parts.Add(name);
            }
        }

        return string.Join(',', parts);
    }
}
