using Sluice.Discovery.Model;

namespace Sluice.Gateway.Telemetry.AccessLogs;

/// <summary>
/// A compiled Envoy access log filter (<c>statusCodeFilter</c>, <c>durationFilter</c>, <c>andFilter</c>,
/// <c>orFilter</c>): whether a finished request is written to one access log.
/// </summary>
internal abstract class AccessLogFilterPredicate
{
    public abstract bool Keeps(in AccessLogRecord record);

    public static AccessLogFilterPredicate? Compile(AccessLogFilter? filter)
    {
        if (filter is null)
        {
            return null;
        }

        if (filter.StatusCodeFilter?.Comparison is { } status)
        {
            return new StatusPredicate(status.Op, status.Value?.DefaultValue ?? 0);
        }

        if (filter.DurationFilter?.Comparison is { } duration)
        {
            return new DurationPredicate(duration.Op, duration.Value?.DefaultValue ?? 0);
        }

        if ((filter.AndFilter ?? filter.OrFilter) is { } list)
        {
            var parts = new List<AccessLogFilterPredicate>();
            foreach (var inner in list.Filters)
            {
                if (Compile(inner) is { } compiled)
                {
                    parts.Add(compiled);
                }
            }

            return new ListPredicate([.. parts], all: filter.AndFilter is not null);
        }

        return null;
    }

    private static bool Compare(ComparisonOp op, double value, uint threshold) => op switch
    {
        ComparisonOp.GE => value >= threshold,
        ComparisonOp.LE => value <= threshold,
        _ => value == threshold,
    };

    private sealed class StatusPredicate(ComparisonOp op, uint threshold) : AccessLogFilterPredicate
    {
        public override bool Keeps(in AccessLogRecord record) => Compare(op, record.Status, threshold);
    }

    private sealed class DurationPredicate(ComparisonOp op, uint milliseconds) : AccessLogFilterPredicate
    {
        // Envoy compares whole milliseconds of the request's total duration.
        public override bool Keeps(in AccessLogRecord record) => Compare(op, Math.Floor(record.DurationMilliseconds), milliseconds);
    }

    private sealed class ListPredicate(AccessLogFilterPredicate[] parts, bool all) : AccessLogFilterPredicate
    {
        public override bool Keeps(in AccessLogRecord record)
        {
            foreach (var part in parts)
            {
                if (part.Keeps(record) != all)
                {
                    return !all;
                }
            }

            return all;
        }
    }
}
