namespace Sluice.Filters;

/// <summary>Values that end up in HTTP headers or request lines must never carry line breaks or NUL (header injection).</summary>
public static class HeaderValueRules
{
    public static bool ContainsForbiddenCharacter(string value) => value.AsSpan().ContainsAny('\r', '\n', '\0');
}
