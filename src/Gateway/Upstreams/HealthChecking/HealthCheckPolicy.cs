using System.Globalization;
using System.Text;
using Sluice.Discovery.Model;

namespace Sluice.Gateway.Upstreams.HealthChecking;

/// <summary>One upstream's active health check compiled from its <see cref="HealthCheck"/>, immutable per snapshot.</summary>
internal sealed class HealthCheckPolicy
{
    /// <summary>Envoy's default interval while the upstream has never carried traffic.</summary>
    public static readonly TimeSpan DefaultNoTrafficInterval = TimeSpan.FromSeconds(60);

    private readonly (long Start, long End)[] _expectedStatuses;

    public HealthCheckPolicy(HealthCheck config)
    {
        Timeout = config.Timeout;
        Interval = config.Interval;
        InitialJitter = config.InitialJitter ?? TimeSpan.Zero;
        IntervalJitter = config.IntervalJitter ?? TimeSpan.Zero;
        IntervalJitterPercent = (int)Math.Min(config.IntervalJitterPercent, 100u);
        UnhealthyThreshold = (int)Math.Min(config.UnhealthyThreshold, int.MaxValue);
        HealthyThreshold = (int)Math.Min(config.HealthyThreshold, int.MaxValue);
        ReuseConnection = config.ReuseConnection ?? true;
        NoTrafficInterval = config.NoTrafficInterval ?? DefaultNoTrafficInterval;
        if (config.HttpHealthCheck is { } http)
        {
            HttpPath = http.Path;
            HttpHost = http.Host;
            Http2 = http.UseHttp2 || http.CodecClientType == CodecClientType.HTTP2;
            _expectedStatuses = http.ExpectedStatuses.Count == 0 ? [(200, 201)] : [.. http.ExpectedStatuses.Select(r => (r.Start, r.End))];
        }
        else
        {
            _expectedStatuses = [];
        }

        Description = BuildDescription();
    }

    public TimeSpan Timeout { get; }

    public TimeSpan Interval { get; }

    public TimeSpan InitialJitter { get; }

    public TimeSpan IntervalJitter { get; }

    public int IntervalJitterPercent { get; }

    public int UnhealthyThreshold { get; }

    public int HealthyThreshold { get; }

    public bool ReuseConnection { get; }

    public TimeSpan NoTrafficInterval { get; }

    /// <summary>The HTTP check's path, or null for a TCP connect check.</summary>
    public string? HttpPath { get; }

    public string? HttpHost { get; }

    public bool Http2 { get; }

    /// <summary>Everything the checker's behaviour depends on: a running checker restarts only when this changes.</summary>
    public string Description { get; }

    public string Describe() => Description;

    public bool IsExpected(int status)
    {
        foreach (var (start, end) in _expectedStatuses)
        {
            if (status >= start && status < end)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>The wait before the next round: the interval plus its jitter.</summary>
    public TimeSpan NextDelay(Random random)
    {
        var delay = Interval;
        if (IntervalJitter > TimeSpan.Zero)
        {
            delay += TimeSpan.FromTicks(random.NextInt64(IntervalJitter.Ticks + 1));
        }

        if (IntervalJitterPercent > 0)
        {
            delay += TimeSpan.FromTicks(random.NextInt64((Interval.Ticks * IntervalJitterPercent / 100) + 1));
        }

        return delay;
    }

    private string BuildDescription()
    {
        var text = new StringBuilder();
        text.Append(HttpPath is null ? "tcp connect" : $"http{(Http2 ? "2" : string.Empty)} GET {HttpPath}");
        if (HttpHost is not null)
        {
            text.Append(" host ").Append(HttpHost);
        }

        if (HttpPath is not null)
        {
            text.Append(" expect");
            foreach (var (start, end) in _expectedStatuses)
            {
                text.Append(CultureInfo.InvariantCulture, $" [{start},{end})");
            }
        }

        text.Append(CultureInfo.InvariantCulture,
            $", every {Interval.TotalMilliseconds}ms (no traffic {NoTrafficInterval.TotalMilliseconds}ms, jitter {IntervalJitter.TotalMilliseconds}ms+{IntervalJitterPercent}%, initial {InitialJitter.TotalMilliseconds}ms)");
        text.Append(CultureInfo.InvariantCulture, $", timeout {Timeout.TotalMilliseconds}ms, unhealthy after {UnhealthyThreshold}, healthy after {HealthyThreshold}");
        text.Append(ReuseConnection ? ", reusing connections" : ", new connection per check");
        return text.ToString();
    }
}
