using System.Buffers;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Sluice.Discovery.Model;

namespace Sluice.Gateway.Telemetry.AccessLogs;

/// <summary>
/// How one access log prints a request: Sluice's JSON line (Envoy-like field names) when the sink names no format,
/// Gloo's <c>jsonFormat</c> (key to command), or <c>stringFormat</c> (Envoy's text format). Runs on the background
/// writer only.
/// </summary>
internal sealed class AccessLogFormat
{
    private readonly (string Key, CompiledSegment[] Value)[]? _json;
    private readonly CompiledSegment[]? _text;

    private AccessLogFormat((string, CompiledSegment[])[]? json, CompiledSegment[]? text)
    {
        _json = json;
        _text = text;
    }

    public static AccessLogFormat Default { get; } = new(null, null);

    public static AccessLogFormat Compile(FileSink sink, List<string> capturedHeaders)
    {
        if (sink.JsonFormat is { } json)
        {
            var fields = new List<(string, CompiledSegment[])>();
            foreach (var (key, value) in json)
            {
                if (AccessLogTemplate.TryParse(value, out var segments, out _))
                {
                    fields.Add((key, Compile(segments, capturedHeaders)));
                }
            }

            return new AccessLogFormat([.. fields], null);
        }

        if (sink.StringFormat is { } text && AccessLogTemplate.TryParse(text.EndsWith('\n') ? text[..^1] : text, out var parsed, out _))
        {
            return new AccessLogFormat(null, Compile(parsed, capturedHeaders));
        }

        return Default;
    }

    /// <summary>Writes one line (with its newline) for <paramref name="record"/>.</summary>
    public void Write(in AccessLogRecord record, ArrayBufferWriter<byte> output, Utf8JsonWriter json, StringBuilder text)
    {
        if (_text is { } segments)
        {
            text.Clear();
            foreach (var segment in segments)
            {
                var value = segment.Field == AccessLogField.Literal ? segment.Literal : Text(segment, record);
                text.Append(value ?? "-");
            }

            text.Append('\n');
            var length = Encoding.UTF8.GetByteCount(text.ToString());
            var span = output.GetSpan(length);
            output.Advance(Encoding.UTF8.GetBytes(text.ToString(), span));
            return;
        }

        json.Reset(output);
        json.WriteStartObject();
        if (_json is { } fields)
        {
            foreach (var (key, value) in fields)
            {
                WriteJsonValue(json, key, value, record, text);
            }
        }
        else
        {
            WriteDefault(json, record);
        }

        json.WriteEndObject();
        json.Flush();
        output.Write("\n"u8);
    }

    private static void WriteDefault(Utf8JsonWriter json, in AccessLogRecord r)
    {
        json.WriteString("start_time", r.StartTime.ToString("yyyy-MM-ddTHH:mm:ss.fffZ", CultureInfo.InvariantCulture));
        json.WriteString("method", r.Method);
        json.WriteString("path", PathWithQuery(r));
        json.WriteString("protocol", r.Protocol);
        json.WriteNumber("status", r.Status);
        json.WriteString("response_flags", ResponseFlagText.Of(r.Flags));
        json.WriteNumber("bytes_received", r.BytesReceived);
        json.WriteNumber("bytes_sent", r.BytesSent);
        json.WriteNumber("duration_ms", Math.Round(r.DurationMilliseconds, 3));
        WriteStringOrNull(json, "upstream_host", r.UpstreamHost);
        WriteStringOrNull(json, "upstream_cluster", r.UpstreamCluster);
        if (r.UpstreamServiceTicks > 0)
        {
            json.WriteNumber("upstream_service_time_ms", Math.Round(Milliseconds(r.UpstreamServiceTicks), 3));
        }
        else
        {
            json.WriteNull("upstream_service_time_ms");
        }

        json.WriteString("route", r.Route);
        json.WriteString("virtual_host", r.VirtualHost);
        WriteStringOrNull(json, "trace_id", r.TraceId == default ? null : r.TraceId.ToHexString());
        WriteStringOrNull(json, "client_address", ClientAddress(r, withPort: false));
        json.WriteNumber("client_port", r.ClientPort);
        WriteStringOrNull(json, "authority", r.Authority);
        WriteStringOrNull(json, "user_agent", r.UserAgent);
        WriteStringOrNull(json, "request_id", r.RequestId);
    }

    private static void WriteJsonValue(Utf8JsonWriter json, string key, CompiledSegment[] value, in AccessLogRecord record, StringBuilder text)
    {
        if (value.Length == 1 && value[0].MaxLength == 0 && Number(value[0].Field, record) is { } number)
        {
            json.WriteNumber(key, number);
            return;
        }

        if (value.Length == 1 && value[0].Field != AccessLogField.Literal)
        {
            WriteStringOrNull(json, key, Text(value[0], record));
            return;
        }

        text.Clear();
        foreach (var segment in value)
        {
            text.Append(segment.Field == AccessLogField.Literal ? segment.Literal : Text(segment, record) ?? "-");
        }

        json.WriteString(key, text.ToString());
    }

    private static double? Number(AccessLogField field, in AccessLogRecord r) => field switch
    {
        AccessLogField.ResponseCode => r.Status,
        AccessLogField.BytesReceived => r.BytesReceived,
        AccessLogField.BytesSent => r.BytesSent,
        AccessLogField.Duration => Math.Floor(r.DurationMilliseconds),
        AccessLogField.UpstreamServiceTime when r.UpstreamServiceTicks > 0 => Math.Floor(Milliseconds(r.UpstreamServiceTicks)),
        _ => null,
    };

    private static string? Text(in CompiledSegment segment, in AccessLogRecord r)
    {
        var value = segment.Field switch
        {
            AccessLogField.RequestHeader => Header(segment, r),
            _ => Field(segment.Field, r),
        };

        return value is not null && segment.MaxLength > 0 && value.Length > segment.MaxLength ? value[..segment.MaxLength] : value;
    }

    private static string? Header(in CompiledSegment segment, in AccessLogRecord r)
    {
        var value = segment.HeaderIndex >= 0 ? r.Headers?[segment.HeaderIndex] : null;
        if (value is not null)
        {
            return value;
        }

        if (segment.AlternateField is { } pseudo)
        {
            return Field(pseudo, r);
        }

        return segment.AlternateIndex >= 0 ? r.Headers?[segment.AlternateIndex] : null;
    }

    private static string? Field(AccessLogField field, in AccessLogRecord r) => field switch
    {
        AccessLogField.StartTime => r.StartTime.ToString("yyyy-MM-ddTHH:mm:ss.fffZ", CultureInfo.InvariantCulture),
        AccessLogField.Method => r.Method,
        AccessLogField.Path => PathWithQuery(r),
        AccessLogField.Authority => r.Authority,
        AccessLogField.Protocol => r.Protocol,
        AccessLogField.ResponseCode => r.Status.ToString(CultureInfo.InvariantCulture),
        AccessLogField.ResponseFlags => ResponseFlagText.Of(r.Flags),
        AccessLogField.BytesReceived => r.BytesReceived.ToString(CultureInfo.InvariantCulture),
        AccessLogField.BytesSent => r.BytesSent.ToString(CultureInfo.InvariantCulture),
        AccessLogField.Duration => Math.Floor(r.DurationMilliseconds).ToString(CultureInfo.InvariantCulture),
        AccessLogField.UpstreamHost => r.UpstreamHost,
        AccessLogField.UpstreamCluster => r.UpstreamCluster,
        AccessLogField.UpstreamServiceTime => r.UpstreamServiceTicks > 0 ? Math.Floor(Milliseconds(r.UpstreamServiceTicks)).ToString(CultureInfo.InvariantCulture) : null,
        AccessLogField.RouteName => r.Route,
        AccessLogField.VirtualHostName => r.VirtualHost,
        AccessLogField.DownstreamRemoteAddress => ClientAddress(r, withPort: true),
        AccessLogField.DownstreamRemoteAddressWithoutPort => ClientAddress(r, withPort: false),
        AccessLogField.TraceId => r.TraceId == default ? null : r.TraceId.ToHexString(),
        _ => null,
    };

    private static string? PathWithQuery(in AccessLogRecord r) => string.IsNullOrEmpty(r.Query) ? r.Path : r.Path + r.Query;

    private static string? ClientAddress(in AccessLogRecord r, bool withPort)
    {
        if (r.ClientAddress is not { } address)
        {
            return null;
        }

        var ip = address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address;
        if (!withPort)
        {
            return ip.ToString();
        }

        return ip.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6 ? $"[{ip}]:{r.ClientPort}" : $"{ip}:{r.ClientPort}";
    }

    private static double Milliseconds(long ticks) => ticks * 1000.0 / System.Diagnostics.Stopwatch.Frequency;

    private static void WriteStringOrNull(Utf8JsonWriter json, string key, string? value)
    {
        if (value is null)
        {
            json.WriteNull(key);
        }
        else
        {
            json.WriteString(key, value);
        }
    }

    private static CompiledSegment[] Compile(List<AccessLogSegment> segments, List<string> capturedHeaders)
    {
        var compiled = new CompiledSegment[segments.Count];
        for (var i = 0; i < segments.Count; i++)
        {
            var segment = segments[i];
            var headerIndex = segment.Header is { } header ? IndexOf(capturedHeaders, header) : -1;
            AccessLogField? alternateField = null;
            var alternateIndex = -1;
            if (segment.AlternateHeader is { } alternate)
            {
                alternateField = AccessLogTemplate.PseudoField(alternate);
                alternateIndex = alternateField is null ? IndexOf(capturedHeaders, alternate) : -1;
            }

            compiled[i] = new CompiledSegment(segment.Field, segment.Field == AccessLogField.Literal ? segment.Text : null, headerIndex, alternateIndex, alternateField, segment.MaxLength);
        }

        return compiled;
    }

    private static int IndexOf(List<string> headers, string name)
    {
        var index = headers.IndexOf(name);
        if (index >= 0)
        {
            return index;
        }

        headers.Add(name);
        return headers.Count - 1;
    }

    private readonly record struct CompiledSegment(AccessLogField Field, string? Literal, int HeaderIndex, int AlternateIndex, AccessLogField? AlternateField, int MaxLength);
}
