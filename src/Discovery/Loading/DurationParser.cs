using System.Globalization;

namespace Sluice.Discovery.Loading;

/// <summary>
/// Parses durations as Gloo YAML writes them: protobuf JSON (<c>"1.5s"</c>) and Go style (<c>"100ms"</c>,
/// <c>"1m30s"</c>). A bare number is refused: protobuf requires the unit and guessing one hides mistakes.
/// </summary>
internal static class DurationParser
{
    public static bool TryParse(string text, out TimeSpan duration)
    {
        duration = TimeSpan.Zero;
        var span = text.AsSpan().Trim();
        if (span.IsEmpty)
        {
            return false;
        }

        double totalTicks = 0;
        while (!span.IsEmpty)
        {
            var numberLength = 0;
            while (numberLength < span.Length && (char.IsAsciiDigit(span[numberLength]) || span[numberLength] == '.'))
            {
                numberLength++;
            }

            if (numberLength == 0 || !double.TryParse(span[..numberLength], NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var value))
            {
                return false;
            }

            span = span[numberLength..];
            var unitLength = 0;
            while (unitLength < span.Length && char.IsAsciiLetter(span[unitLength]) || unitLength < span.Length && span[unitLength] == 'µ')
            {
                unitLength++;
            }

            double ticksPerUnit = span[..unitLength] switch
            {
                "h" => TimeSpan.TicksPerHour,
                "m" => TimeSpan.TicksPerMinute,
                "s" => TimeSpan.TicksPerSecond,
                "ms" => TimeSpan.TicksPerMillisecond,
                "us" or "µs" => TimeSpan.TicksPerMicrosecond,
                "ns" => TimeSpan.TicksPerMicrosecond / 1000.0,
                _ => -1,
            };
            if (ticksPerUnit < 0)
            {
                return false;
            }

            totalTicks += value * ticksPerUnit;
            span = span[unitLength..];
        }

        if (totalTicks > TimeSpan.MaxValue.Ticks)
        {
            return false;
        }

        duration = TimeSpan.FromTicks((long)Math.Round(totalTicks));
        return true;
    }
}
