using System.Buffers;
using System.Collections.Frozen;

namespace Sluice.Filters.HeaderManipulation;

/// <summary>
/// Which header names <c>headerManipulation</c> may set or remove. Envoy and Gloo refuse pseudo-headers and
/// <c>host</c>; Sluice also refuses the headers that frame the message or describe one connection, because the
/// gateway owns them and YARP would drop or contradict whatever a filter put there.
/// </summary>
internal static class HeaderNameRules
{
    // RFC 9110 section 5.6.2: token characters.
    private static readonly SearchValues<char> TokenCharacters =
        SearchValues.Create("!#$%&'*+-.^_`|~0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ");

    private static readonly FrozenSet<string> HopByHop = FrozenSet.ToFrozenSet(
        ["connection", "keep-alive", "proxy-connection", "te", "trailer", "upgrade", "proxy-authenticate", "proxy-authorization"],
        StringComparer.OrdinalIgnoreCase);

    /// <summary>Why <paramref name="name"/> cannot be set or removed, or null when it can.</summary>
    public static string? Problem(string name)
    {
        if (name.Length == 0)
        {
            return "header name must not be empty";
        }

        if (HeaderValueRules.ContainsForbiddenCharacter(name))
        {
            return "header name must not contain CR, LF or NUL";
        }

        if (name[0] == ':')
        {
            return $"'{name}' is a pseudo-header, which headerManipulation cannot set or remove; use prefixRewrite, regexRewrite or hostRewrite to change the path or authority";
        }

        if (string.Equals(name, "host", StringComparison.OrdinalIgnoreCase))
        {
            return "'host' cannot be set or removed by headerManipulation; use hostRewrite to change the Host sent upstream";
        }

        if (string.Equals(name, "content-length", StringComparison.OrdinalIgnoreCase) || string.Equals(name, "transfer-encoding", StringComparison.OrdinalIgnoreCase))
        {
            return $"'{name}' frames the message body and is set by the gateway; changing it would corrupt the body";
        }

        if (HopByHop.Contains(name))
        {
            return $"'{name}' is a hop-by-hop header: it describes a single connection and the gateway never forwards it (RFC 9110 section 7.6.1)";
        }

        return name.AsSpan().ContainsAnyExcept(TokenCharacters)
            ? $"'{name}' is not a valid header name; use letters, digits and !#$%&'*+-.^_`|~ only"
            : null;
    }

    public static bool IsToken(ReadOnlySpan<char> name) => !name.IsEmpty && !name.ContainsAnyExcept(TokenCharacters);
}
