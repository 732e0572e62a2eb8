namespace Sluice.Discovery.Model;

/// <summary>The values an access log format can print: Envoy's command operators that Sluice knows.</summary>
public enum AccessLogField
{
    Literal,
    StartTime,
    Method,
    Path,
    Authority,
    Protocol,
    ResponseCode,
    ResponseFlags,
    BytesReceived,
    BytesSent,
    Duration,
    UpstreamHost,
    UpstreamCluster,
    UpstreamServiceTime,
    RouteName,
    VirtualHostName,
    DownstreamRemoteAddress,
    DownstreamRemoteAddressWithoutPort,
    TraceId,
    RequestHeader,
}

/// <summary>
/// One piece of a format: literal text, or a command such as <c>%REQ(USER-AGENT)%</c>. For <c>REQ(A?B)</c>,
/// <see cref="Header"/> is A and <see cref="AlternateHeader"/> B; <see cref="MaxLength"/> is Envoy's <c>:N</c> suffix.
/// </summary>
public sealed record AccessLogSegment(AccessLogField Field, string Text, string? Header = null, string? AlternateHeader = null, int MaxLength = 0);

/// <summary>
/// Parses Envoy's access log format strings (<c>[%START_TIME%] "%REQ(:METHOD)% %REQ(X-ENVOY-ORIGINAL-PATH?:PATH)%"</c>).
/// Pseudo-headers <c>:method</c>, <c>:path</c>, <c>:authority</c> map to the request line; any other header is read
/// from the request. An operator Sluice does not know is an error naming it, never printed as <c>-</c> silently.
/// </summary>
public static class AccessLogTemplate
{
    private static readonly Dictionary<string, AccessLogField> Commands = new(StringComparer.Ordinal)
    {
        ["START_TIME"] = AccessLogField.StartTime,
        ["PROTOCOL"] = AccessLogField.Protocol,
        ["RESPONSE_CODE"] = AccessLogField.ResponseCode,
        ["RESPONSE_FLAGS"] = AccessLogField.ResponseFlags,
        ["BYTES_RECEIVED"] = AccessLogField.BytesReceived,
        ["BYTES_SENT"] = AccessLogField.BytesSent,
        ["DURATION"] = AccessLogField.Duration,
        ["UPSTREAM_HOST"] = AccessLogField.UpstreamHost,
        ["UPSTREAM_CLUSTER"] = AccessLogField.UpstreamCluster,
        ["ROUTE_NAME"] = AccessLogField.RouteName,
        ["VIRTUAL_HOST_NAME"] = AccessLogField.VirtualHostName,
        ["DOWNSTREAM_REMOTE_ADDRESS"] = AccessLogField.DownstreamRemoteAddress,
        ["DOWNSTREAM_REMOTE_ADDRESS_WITHOUT_PORT"] = AccessLogField.DownstreamRemoteAddressWithoutPort,
        ["TRACE_ID"] = AccessLogField.TraceId,
    };

    public static IReadOnlyCollection<string> KnownCommands => Commands.Keys;

    public static bool TryParse(string format, out List<AccessLogSegment> segments, out string? error)
    {
        segments = [];
        error = null;
        var literal = new System.Text.StringBuilder();
        var i = 0;
        while (i < format.Length)
        {
            var c = format[i];
            if (c != '%')
            {
                literal.Append(c);
                i++;
                continue;
            }

            if (i + 1 < format.Length && format[i + 1] == '%')
            {
                literal.Append('%');
                i += 2;
                continue;
            }

            var end = format.IndexOf('%', i + 1);
            if (end < 0)
            {
                error = $"'%' at offset {i} opens a command that is never closed (write '%%' for a literal percent sign)";
                return false;
            }

            if (literal.Length > 0)
            {
                segments.Add(new AccessLogSegment(AccessLogField.Literal, literal.ToString()));
                literal.Clear();
            }

            // A command may hold '%' only inside parentheses (never in practice); the next '%' closes it.
            if (!TryParseCommand(format[(i + 1)..end], out var segment, out error))
            {
                return false;
            }

            segments.Add(segment!);
            i = end + 1;
        }

        if (literal.Length > 0)
        {
            segments.Add(new AccessLogSegment(AccessLogField.Literal, literal.ToString()));
        }

        return true;
    }

    private static bool TryParseCommand(string command, out AccessLogSegment? segment, out string? error)
    {
        segment = null;
        error = null;
        var text = $"%{command}%";
        var maxLength = 0;
        var close = command.LastIndexOf(')');
        var colon = command.IndexOf(':', close < 0 ? 0 : close);
        if (colon > 0 && (close < 0 || colon > close))
        {
            if (!int.TryParse(command.AsSpan(colon + 1), out maxLength) || maxLength <= 0)
            {
                error = $"{text}: the length after ':' must be a positive number";
                return false;
            }

            command = command[..colon];
        }

        var open = command.IndexOf('(');
        if (open < 0)
        {
            if (Commands.TryGetValue(command, out var field))
            {
                segment = new AccessLogSegment(field, text, MaxLength: maxLength);
                return true;
            }

            error = $"{text} is not a command Sluice knows; known: REQ(header), RESP(X-ENVOY-UPSTREAM-SERVICE-TIME), {string.Join(", ", Commands.Keys)}";
            return false;
        }

        if (!command.EndsWith(')'))
        {
            error = $"{text}: expected ')' at the end of the command";
            return false;
        }

        var name = command[..open];
        var argument = command[(open + 1)..^1];
        var headers = argument.Split('?');
        if (argument.Length == 0 || headers.Length > 2 || Array.Exists(headers, h => h.Length == 0))
        {
            error = $"{text}: expected one header name, or two as HEADER?ALTERNATE";
            return false;
        }

        switch (name)
        {
            case "REQ":
                segment = RequestHeader(text, headers[0].ToLowerInvariant(), headers.Length > 1 ? headers[1].ToLowerInvariant() : null, maxLength);
                return true;
            case "RESP" when headers.Length == 1 && headers[0].Equals("x-envoy-upstream-service-time", StringComparison.OrdinalIgnoreCase):
                segment = new AccessLogSegment(AccessLogField.UpstreamServiceTime, text, MaxLength: maxLength);
                return true;
            case "RESP" or "TRAILER" or "RESPONSE_TRAILER":
                error = $"{text}: Sluice's access log reads response headers only for RESP(X-ENVOY-UPSTREAM-SERVICE-TIME)";
                return false;
            default:
                error = $"{text} is not a command Sluice knows; known: REQ(header), RESP(X-ENVOY-UPSTREAM-SERVICE-TIME), {string.Join(", ", Commands.Keys)}";
                return false;
        }
    }

    private static AccessLogSegment RequestHeader(string text, string header, string? alternate, int maxLength)
    {
        // Envoy's REQ(:PATH) etc. read the request line; with X-ENVOY-ORIGINAL-PATH?:PATH the pseudo-header is the fallback.
        var field = PseudoField(header);
        if (field is { } pseudo)
        {
            return new AccessLogSegment(pseudo, text, MaxLength: maxLength);
        }

        return new AccessLogSegment(AccessLogField.RequestHeader, text, header, alternate, maxLength);
    }

    /// <summary>The request-line field a pseudo-header names, or null for an ordinary header.</summary>
    public static AccessLogField? PseudoField(string header) => header switch
    {
        ":method" => AccessLogField.Method,
        ":path" => AccessLogField.Path,
        ":authority" or "host" => AccessLogField.Authority,
        ":scheme" => null,
        _ => null,
    };
}
