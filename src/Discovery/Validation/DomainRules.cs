namespace Sluice.Discovery.Validation;

/// <summary>
/// Envoy's domain forms: an exact host, <c>*.suffix</c> / <c>*-suffix</c> (a leading wildcard), <c>prefix.*</c>
/// (a trailing wildcard), or <c>*</c> alone. The wildcard never matches the empty string. A port may follow.
/// </summary>
public static class DomainRules
{
    public static string? Problem(string domain)
    {
        if (domain.Length == 0)
        {
            return "a domain must not be empty";
        }

        if (domain == "*")
        {
            return null;
        }

        var stars = domain.AsSpan().Count('*');
        if (stars > 1 || (stars == 1 && domain[0] != '*' && domain[^1] != '*'))
        {
            return $"domain '{domain}' has a wildcard in the middle; Envoy's forms are '*.example.com', 'example.*' or '*'";
        }

        foreach (var c in domain)
        {
            if (!(char.IsAsciiLetterOrDigit(c) || c is '.' or '-' or '_' or '*' or ':' or '[' or ']'))
            {
                return $"domain '{domain}' contains '{c}', which cannot appear in a host";
            }
        }

        return null;
    }
}
