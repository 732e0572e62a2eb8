using System.Diagnostics.Metrics;
using System.Text;
using Sluice.Filters.Wasm.Abi;

namespace Sluice.Filters.Wasm.Shared;

/// <summary>
/// Metrics filters define with <c>proxy_define_metric</c>, on the <c>Sluice.Wasm</c> meter (exported to Prometheus
/// with every <c>Sluice.*</c> meter). One instrument per type and name in the process, shared by every instance, as
/// Envoy's stats are; counters and gauges are observed from their stored values so <c>proxy_get_metric</c> reads them.
/// </summary>
internal static class WasmMetrics
{
    public const string MeterName = "Sluice.Wasm";

    private static readonly Meter Meter = new(MeterName);
    private static readonly Dictionary<(MetricType Type, string Name), int> Ids = [];
    private static readonly List<Metric> ById = [];
    private static readonly Lock Gate = new();

    public static int Define(MetricType type, string name)
    {
        lock (Gate)
        {
            if (Ids.TryGetValue((type, name), out var id))
            {
                return id;
            }

            var metric = new Metric(type);
            var instrument = "wasm." + Sanitize(name);
            switch (type)
            {
                case MetricType.Counter:
                    Meter.CreateObservableCounter(instrument, metric.Read, description: $"proxy-wasm counter {name}");
                    break;
                case MetricType.Gauge:
                    Meter.CreateObservableGauge(instrument, metric.Read, description: $"proxy-wasm gauge {name}");
                    break;
                default:
                    metric.Histogram = Meter.CreateHistogram<long>(instrument, description: $"proxy-wasm histogram {name}");
                    break;
            }

            ById.Add(metric);
            id = ById.Count;
            Ids[(type, name)] = id;
            return id;
        }
    }

    public static WasmResult Increment(int id, long offset)
    {
        var metric = Get(id);
        if (metric is null)
        {
            return WasmResult.NotFound;
        }

        if (metric.Type == MetricType.Histogram)
        {
            return WasmResult.BadArgument;
        }

        Interlocked.Add(ref metric.Value, offset);
        return WasmResult.Ok;
    }

    public static WasmResult Record(int id, long value)
    {
        if (Get(id) is not { } metric)
        {
            return WasmResult.NotFound;
        }

        if (metric.Histogram is { } histogram)
        {
            histogram.Record(value);
        }
        else
        {
            Interlocked.Exchange(ref metric.Value, value);
        }

        return WasmResult.Ok;
    }

    public static bool TryGet(int id, out long value)
    {
        value = 0;
        if (Get(id) is not { } metric || metric.Type == MetricType.Histogram)
        {
            return false;
        }

        value = Interlocked.Read(ref metric.Value);
        return true;
    }

    private static Metric? Get(int id)
    {
        lock (Gate)
        {
            return id >= 1 && id <= ById.Count ? ById[id - 1] : null;
        }
    }

    /// <summary>Instrument names allow letters, digits and <c>_ . - /</c>; anything else becomes an underscore.</summary>
    private static string Sanitize(string name)
    {
        var builder = new StringBuilder(name.Length);
        foreach (var c in name)
        {
            builder.Append(char.IsAsciiLetterOrDigit(c) || c is '_' or '.' or '-' or '/' ? c : '_');
        }

        return builder.ToString();
    }

    private sealed class Metric(MetricType type)
    {
        public long Value;

        public MetricType Type { get; } = type;

        public Histogram<long>? Histogram { get; set; }

        public long Read() => Interlocked.Read(ref Value);
    }
}
