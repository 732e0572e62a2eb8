using System.Diagnostics;

namespace Sluice.Gateway.Telemetry.Tracing;

/// <summary>Writes a W3C <c>traceparent</c> (<c>00-{trace id}-{span id}-{flags}</c>) in one 55-character string.</summary>
internal static class TraceParentHeader
{
    public static string Format(ActivityTraceId traceId, ActivitySpanId spanId, ActivityTraceFlags flags) =>
        string.Create(55, (traceId, spanId, flags), static (chars, state) =>
        {
            Span<byte> bytes = stackalloc byte[16];
            "00-".CopyTo(chars);
            state.traceId.CopyTo(bytes);
            Convert.TryToHexStringLower(bytes, chars[3..35], out _);
            chars[35] = '-';
            state.spanId.CopyTo(bytes[..8]);
            Convert.TryToHexStringLower(bytes[..8], chars[36..52], out _);
            chars[52] = '-';
            chars[53] = '0';
            chars[54] = (state.flags & ActivityTraceFlags.Recorded) != 0 ? '1' : '0';
        });
}
