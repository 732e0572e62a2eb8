using System.Diagnostics.CodeAnalysis;
using System.Runtime.CompilerServices;
using System.Text;

namespace Sluice.Filters.HeaderManipulation;

/// <summary>
/// The format of <c>%START_TIME(...)%</c>: Envoy's strftime-style specifiers, translated once into .NET custom
/// date formats so that formatting a request's start time parses nothing. Times are UTC, as in Envoy.
/// </summary>
internal sealed class StartTimeFormat
{
    /// <summary>The specifiers Sluice translates, for error messages.</summary>
    public const string Supported = "%Y %y %m %d %H %I %M %S %p %a %A %b %h %B %F %T %R %D %Z %z %s %f %1f..%9f %E1S..%E9S %t %%";

    private readonly string?[] _parts;

    private StartTimeFormat(string?[] parts)
    {
        _parts = parts;
    }

    /// <summary>Envoy's default for <c>%START_TIME%</c>: <c>%Y-%m-%dT%H:%M:%E3SZ</c>, e.g. 2024-05-01T12:30:45.123Z.</summary>
    public static StartTimeFormat Default { get; } = new([@"yyyy\-MM\-dd\THH\:mm\:ss\.fff\Z"]);

    /// <summary>
    /// Translates <paramref name="format"/>. Each part is a .NET custom date format, or null where Envoy's
    /// <c>%s</c> (seconds since the epoch) goes, which no .NET format expresses.
    /// </summary>
    public static bool TryParse(string format, [NotNullWhen(true)] out StartTimeFormat? result, [NotNullWhen(false)] out string? error)
    {
        result = null;
        var parts = new List<string?>();
        var current = new StringBuilder();
        for (var i = 0; i < format.Length; i++)
        {
            var c = format[i];
            if (c != '%')
            {
                AppendLiteral(current, c);
                continue;
            }

            if (i + 1 >= format.Length)
            {
                error = $"START_TIME format '{format}' ends with a lone '%'; write '%%' for a percent sign";
                return false;
            }

            var start = i;
            var specifier = format[++i];
            switch (specifier)
            {
                case 'Y': current.Append("yyyy"); break;
                case 'y': current.Append("yy"); break;
                case 'm': current.Append("MM"); break;
                case 'd': current.Append("dd"); break;
                case 'H': current.Append("HH"); break;
                case 'I': current.Append("hh"); break;
                case 'M': current.Append("mm"); break;
                case 'S': current.Append("ss"); break;
                case 'p': current.Append("tt"); break;
                case 'a': current.Append("ddd"); break;
                case 'A': current.Append("dddd"); break;
                case 'b' or 'h': current.Append("MMM"); break;
                case 'B': current.Append("MMMM"); break;
                case 'F': current.Append(@"yyyy\-MM\-dd"); break;
                case 'T': current.Append(@"HH\:mm\:ss"); break;
                case 'R': current.Append(@"HH\:mm"); break;
                case 'D': current.Append(@"MM\/dd\/yy"); break;
                case 'Z': AppendLiteral(current, "UTC"); break;
                case 'z': AppendLiteral(current, "+0000"); break;
                case 't': AppendLiteral(current, "\t"); break;
                case '%': AppendLiteral(current, "%"); break;
                case 'f': AppendFraction(current, 9); break;
                case 's':
                    Flush(parts, current);
                    parts.Add(null);
                    break;
                case >= '1' and <= '9' when i + 1 < format.Length && format[i + 1] == 'f':
                    AppendFraction(current, specifier - '0');
                    i++;
                    break;
                case 'E' when i + 2 < format.Length && format[i + 1] is >= '1' and <= '9' && format[i + 2] == 'S':
                    current.Append(@"ss\.");
                    AppendFraction(current, format[i + 1] - '0');
                    i += 2;
                    break;
                default:
                    error = $"START_TIME format specifier '{format[start..Math.Min(i + 1, format.Length)]}' is not supported; Sluice supports {Supported}";
                    return false;
            }
        }

        Flush(parts, current);
        result = new StartTimeFormat([.. parts]);
        error = null;
        return true;
    }

    public void AppendTo(ref DefaultInterpolatedStringHandler builder, DateTimeOffset time)
    {
        var utc = time.UtcDateTime;
        foreach (var part in _parts)
        {
            if (part is null)
            {
                builder.AppendFormatted(time.ToUnixTimeSeconds());
            }
            else
            {
                builder.AppendFormatted(utc, part);
            }
        }
    }

    // .NET formats at most seven fractional digits (100 ns ticks); Envoy's nanoseconds beyond that are zeros anyway.
    private static void AppendFraction(StringBuilder format, int digits)
    {
        format.Append('f', Math.Min(digits, 7));
        for (var i = 7; i < digits; i++)
        {
            format.Append(@"\0");
        }
    }

    private static void AppendLiteral(StringBuilder format, char c) => format.Append('\\').Append(c);

    private static void AppendLiteral(StringBuilder format, string text)
    {
        foreach (var c in text)
        {
            AppendLiteral(format, c);
        }
    }

    private static void Flush(List<string?> parts, StringBuilder current)
    {
        if (current.Length > 0)
        {
            parts.Add(current.ToString());
            current.Clear();
        }
    }
}
