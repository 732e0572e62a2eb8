using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using Sluice.Gateway.Telemetry;

namespace Sluice.Gateway.Inspection;

/// <summary>Requests and 5xx responses of one route over the recent windows, oldest bucket first.</summary>
internal sealed record RouteTraffic(string VirtualHost, string Route, long Requests1m, long Errors1m, long Requests5m, long Errors5m, long[] Series);

/// <summary>
/// Listens to the <c>sluice.requests</c> counter (<see cref="GatewayInstruments.Requests"/>) and keeps per-route counts
/// in rolling 10-second buckets over the last five minutes, for the dashboard. The data plane records the counter
/// once per request; this listener only adds to two counters there (a lock only when a bucket rolls over), and the
/// route set is bounded by configuration (tag values are route names, never paths).
/// The meter is process-wide, so several gateways hosted in one process (tests) see each other's requests; tags
/// carry route names, and a production process hosts one gateway.
/// </summary>
internal sealed class RouteTrafficRecorder : IDisposable
{
    public const int BucketSeconds = 10;
    public const int BucketCount = 30;

    private readonly ConcurrentDictionary<(string Host, string Route), RouteBuckets> _routes = new();
    private readonly MeterListener _listener = new();
    private readonly TimeProvider _time;
    private volatile bool _observing;

    public RouteTrafficRecorder(TimeProvider time)
    {
        _time = time;
        _listener.InstrumentPublished = static (instrument, listener) =>
        {
            if (instrument.Meter.Name == GatewayInstruments.MeterName && instrument.Name == GatewayInstruments.RequestsName)
            {
                listener.EnableMeasurementEvents(instrument);
            }
        };
        _listener.SetMeasurementEventCallback<long>(OnMeasurement);
        _listener.Start();
    }

    /// <summary>Whether any request was counted since start: until the counter is recorded, rates are unknown, not zero.</summary>
    public bool ObservingRequests => _observing;

    public void Dispose() => _listener.Dispose();

    /// <summary>The routes that had traffic in the last five minutes.</summary>
    public IReadOnlyList<RouteTraffic> Snapshot()
    {
        var now = CurrentBucket();
        var result = new List<RouteTraffic>();
        foreach (var ((host, route), buckets) in _routes)
        {
            var series = buckets.Series(now, out var errorSeries);
            long requests1m = 0, errors1m = 0, requests5m = 0, errors5m = 0;
            for (var i = 0; i < series.Length; i++)
            {
                requests5m += series[i];
                errors5m += errorSeries[i];
                if (i >= series.Length - (60 / BucketSeconds))
                {
                    requests1m += series[i];
                    errors1m += errorSeries[i];
                }
            }

            if (requests5m > 0)
            {
                result.Add(new RouteTraffic(host, route, requests1m, errors1m, requests5m, errors5m, series));
            }
        }

        return result;
    }

    private long CurrentBucket() => _time.GetUtcNow().ToUnixTimeSeconds() / BucketSeconds;

    private void OnMeasurement(Instrument instrument, long value, ReadOnlySpan<KeyValuePair<string, object?>> tags, object? state)
    {
        string? host = null, route = null;
        var error = false;
        foreach (var tag in tags)
        {
            switch (tag.Key)
            {
                case "virtual_host":
                    host = tag.Value as string;
                    break;
                case "route":
                    route = tag.Value as string;
                    break;
                case "status_class":
                    error = tag.Value is "5xx";
                    break;
            }
        }

        // Written once: a shared counter bumped on every request would bounce its cache line between cores.
        if (!_observing)
        {
            _observing = true;
        }

        if (route is null)
        {
            return;
        }

        var buckets = _routes.GetOrAdd((host ?? string.Empty, route), static _ => new RouteBuckets());
        buckets.Add(CurrentBucket(), value, error);
    }

    /// <summary>A ring of buckets; each remembers which 10-second interval it counts so stale ones read as zero.</summary>
    private sealed class RouteBuckets
    {
        private readonly long[] _interval = new long[BucketCount];
        private readonly long[] _requests = new long[BucketCount];
        private readonly long[] _errors = new long[BucketCount];
        private readonly Lock _rollover = new();

        public void Add(long interval, long value, bool error)
        {
            var slot = (int)(interval % BucketCount);
            if (Volatile.Read(ref _interval[slot]) != interval)
            {
                lock (_rollover)
                {
                    if (_interval[slot] != interval)
                    {
                        _requests[slot] = 0;
                        _errors[slot] = 0;
                        Volatile.Write(ref _interval[slot], interval);
                    }
                }
            }

            Interlocked.Add(ref _requests[slot], value);
            if (error)
            {
                Interlocked.Add(ref _errors[slot], value);
            }
        }

        public long[] Series(long now, out long[] errors)
        {
            var series = new long[BucketCount];
            errors = new long[BucketCount];
            for (var i = 0; i < BucketCount; i++)
            {
                var interval = now - (BucketCount - 1) + i;
                var slot = (int)(interval % BucketCount);
                if (Volatile.Read(ref _interval[slot]) == interval)
                {
                    series[i] = Interlocked.Read(ref _requests[slot]);
                    errors[i] = Interlocked.Read(ref _errors[slot]);
                }
            }

            return series;
        }
    }
}
