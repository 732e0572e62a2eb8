using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Net;
using System.Runtime.CompilerServices;
using System.Text;

namespace Sluice.Filters.HeaderManipulation;

/// <summary>
/// A header value as written in <c>headerManipulation</c>, parsed once: literal text and Envoy's custom-header
/// variables (<c>%REQ(x-id)%</c>, <c>%DOWNSTREAM_REMOTE_ADDRESS%</c>...), with <c>%%</c> for a literal percent.
/// A value without variables is a constant and costs nothing per request.
/// </summary>
internal sealed class HeaderValueTemplate
{
    /// <summary>Every variable Sluice knows, for error messages.</summary>
    public const string SupportedVariables =
        "%DOWNSTREAM_REMOTE_ADDRESS%, %DOWNSTREAM_REMOTE_ADDRESS_WITHOUT_PORT%, %REQ(header-name)%, %START_TIME%, " +
        "%START_TIME(format)%, %PROTOCOL%, %ROUTE_NAME%, %UPSTREAM_CLUSTER%, %HOSTNAME%";

    private readonly TemplateSegment[] _segments;

    private HeaderValueTemplate(TemplateSegment[] segments, string source)
    {
        _segments = segments;
        Source = source;
        if (segments.Length == 0)
        {
            Constant = string.Empty;
        }
        else if (segments.Length == 1 && segments[0].Kind == TemplateSegmentKind.Literal)
        {
            Constant = segments[0].Literal;
        }
    }

    /// <summary>The value as written.</summary>
    public string Source { get; }

    /// <summary>The value when it uses no request data; null when it must be evaluated per request.</summary>
    public string? Constant { get; }

    /// <summary>Parses <paramref name="text"/>; on failure <paramref name="error"/> says what and where, for the user.</summary>
    public static bool TryParse(string text, [NotNullWhen(true)] out HeaderValueTemplate? template, [NotNullWhen(false)] out string? error)
    {
        template = null;
        var segments = new List<TemplateSegment>();
        var literal = new StringBuilder();
        var i = 0;
        while (i < text.Length)
        {
            var c = text[i];
            if (c != '%')
            {
                literal.Append(c);
                i++;
                continue;
            }

            if (i + 1 < text.Length && text[i + 1] == '%')
            {
                literal.Append('%');
                i += 2;
                continue;
            }

            if (!TryParseVariable(text, ref i, out var segment, out error))
            {
                return false;
            }

            if (segment.Kind == TemplateSegmentKind.Literal)
            {
                literal.Append(segment.Literal);
                continue;
            }

            if (literal.Length > 0)
            {
                segments.Add(new TemplateSegment(TemplateSegmentKind.Literal, literal.ToString()));
                literal.Clear();
            }

            segments.Add(segment);
        }

        if (literal.Length > 0)
        {
            segments.Add(new TemplateSegment(TemplateSegmentKind.Literal, literal.ToString()));
        }

        template = new HeaderValueTemplate([.. segments], text);
        error = null;
        return true;
    }

    /// <summary>Whether evaluating this value reads the request header <paramref name="name"/>.</summary>
    public bool ReadsRequestHeader(string name)
    {
        foreach (var segment in _segments)
        {
            if (segment.Kind == TemplateSegmentKind.Request &&
                (IsHeader(segment.Field, name) || (segment.Fallback is { } fallback && IsHeader(fallback, name))))
            {
                return true;
            }
        }

        return false;

        static bool IsHeader(RequestField field, string name) =>
            field.Kind == RequestFieldKind.Header && string.Equals(field.Name, name, StringComparison.OrdinalIgnoreCase);
    }

    /// <summary>The value for this request; empty when every variable in it is empty (Envoy then adds nothing).</summary>
    public string Evaluate(ProxyExchange exchange)
    {
        if (Constant is not null)
        {
            return Constant;
        }

        if (_segments.Length == 1)
        {
            var direct = _segments[0].ReadString(exchange, out var needsFormatting);
            if (!needsFormatting)
            {
                return direct ?? string.Empty;
            }
        }

        var builder = new DefaultInterpolatedStringHandler(0, _segments.Length, CultureInfo.InvariantCulture, stackalloc char[128]);
        foreach (var segment in _segments)
        {
            segment.AppendTo(ref builder, exchange);
        }

        return builder.ToStringAndClear();
    }

    public override string ToString() => Source;

    // Envoy's command syntax: %NAME%, %NAME(argument)%, %NAME(argument):maxLength%.
    private static bool TryParseVariable(string text, ref int i, out TemplateSegment segment, [NotNullWhen(false)] out string? error)
    {
        segment = null!;
        var start = i;
        var j = i + 1;
        while (j < text.Length && (char.IsAsciiLetterOrDigit(text[j]) || text[j] == '_'))
        {
            j++;
        }

        if (j == start + 1)
        {
            error = $"'%' at character {start + 1} does not start a variable; write '%%' for a literal percent sign (variables: {SupportedVariables})";
            return false;
        }

        var name = text[(start + 1)..j];
        string? argument = null;
        if (j < text.Length && text[j] == '(')
        {
            var close = text.IndexOf(')', j);
            if (close < 0)
            {
                error = $"variable '%{name}(' at character {start + 1} has no closing ')'";
                return false;
            }

            argument = text[(j + 1)..close];
            j = close + 1;
        }

        int? maxLength = null;
        if (j < text.Length && text[j] == ':')
        {
            var digits = j + 1;
            while (digits < text.Length && char.IsAsciiDigit(text[digits]))
            {
                digits++;
            }

            if (digits == j + 1 || !int.TryParse(text.AsSpan((j + 1)..digits), NumberStyles.None, CultureInfo.InvariantCulture, out var parsed) || parsed == 0)
            {
                error = $"variable '%{name}' at character {start + 1}: ':' must be followed by a positive maximum length, as in %REQ(user-agent):64%";
                return false;
            }

            maxLength = parsed;
            j = digits;
        }

        if (j >= text.Length || text[j] != '%')
        {
            error = $"variable '%{name}' at character {start + 1} is not closed by '%'; write '%%' for a literal percent sign";
            return false;
        }

        i = j + 1;
        var expression = text[start..i];
        return TryResolve(expression, name, argument, maxLength, out segment, out error);
    }

    private static bool TryResolve(string expression, string name, string? argument, int? maxLength, out TemplateSegment segment, [NotNullWhen(false)] out string? error)
    {
        segment = null!;
        error = null;
        if (name is not ("DOWNSTREAM_REMOTE_ADDRESS" or "DOWNSTREAM_REMOTE_ADDRESS_WITHOUT_PORT" or "PROTOCOL" or "ROUTE_NAME"
            or "UPSTREAM_CLUSTER" or "HOSTNAME" or "START_TIME" or "REQ"))
        {
            error = $"unknown variable '{expression}'; Sluice supports {SupportedVariables}";
            return false;
        }

        if (maxLength is not null && name != "REQ")
        {
            error = $"'{expression}': only %REQ(...)% takes a maximum length";
            return false;
        }

        if (argument is not null && name is not ("REQ" or "START_TIME"))
        {
            error = $"'{expression}': %{name}% takes no argument";
            return false;
        }

        switch (name)
        {
            case "DOWNSTREAM_REMOTE_ADDRESS":
                segment = new TemplateSegment(TemplateSegmentKind.DownstreamRemoteAddress);
                return true;
            case "DOWNSTREAM_REMOTE_ADDRESS_WITHOUT_PORT":
                segment = new TemplateSegment(TemplateSegmentKind.DownstreamRemoteAddressWithoutPort);
                return true;
            case "PROTOCOL":
                segment = new TemplateSegment(TemplateSegmentKind.Protocol);
                return true;
            case "ROUTE_NAME":
                segment = new TemplateSegment(TemplateSegmentKind.RouteName);
                return true;
            case "UPSTREAM_CLUSTER":
                segment = new TemplateSegment(TemplateSegmentKind.UpstreamCluster);
                return true;
            case "HOSTNAME":
                // The machine's name does not change while the gateway runs: resolved once, a constant.
                segment = new TemplateSegment(TemplateSegmentKind.Literal, Dns.GetHostName());
                return true;
            case "START_TIME":
                if (string.IsNullOrEmpty(argument))
                {
                    segment = new TemplateSegment(TemplateSegmentKind.StartTime);
                    return true;
                }

                if (!StartTimeFormat.TryParse(argument, out var format, out error))
                {
                    error = $"'{expression}': {error}";
                    return false;
                }

                segment = new TemplateSegment(TemplateSegmentKind.StartTime) { TimeFormat = format };
                return true;
            default:
                return TryResolveRequest(expression, argument, maxLength, out segment, out error);
        }
    }

    private static bool TryResolveRequest(string expression, string? argument, int? maxLength, out TemplateSegment segment, [NotNullWhen(false)] out string? error)
    {
        segment = null!;
        if (string.IsNullOrEmpty(argument))
        {
            error = $"'{expression}' needs a header name, as in %REQ(x-request-id)%";
            return false;
        }

        var question = argument.IndexOf('?', StringComparison.Ordinal);
        var primary = question < 0 ? argument : argument[..question];
        var fallback = question < 0 ? null : argument[(question + 1)..];
        foreach (var headerName in (ReadOnlySpan<string?>)[primary, fallback])
        {
            if (headerName is null)
            {
                continue;
            }

            if (headerName.Length > 0 && headerName[0] == ':' && RequestField.Parse(headerName).Kind == RequestFieldKind.Header)
            {
                error = $"'{expression}': '{headerName}' is not a pseudo-header Sluice can read; use :method, :path, :scheme or :authority";
                return false;
            }

            if (!HeaderNameRules.IsToken(headerName.AsSpan(headerName.Length > 0 && headerName[0] == ':' ? 1 : 0)))
            {
                error = $"'{expression}': '{headerName}' is not a header name";
                return false;
            }
        }

        segment = new TemplateSegment(TemplateSegmentKind.Request)
        {
            Field = RequestField.Parse(primary),
            Fallback = fallback is null ? null : RequestField.Parse(fallback),
            MaxLength = maxLength,
        };
        error = null;
        return true;
    }
}
