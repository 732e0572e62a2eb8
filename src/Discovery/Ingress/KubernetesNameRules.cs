namespace Sluice.Discovery.Ingress;

/// <summary>Kubernetes' name formats (apimachinery's validation package), for the fields an Ingress names things by.</summary>
internal static class KubernetesNameRules
{
    /// <summary>RFC 1123 subdomain: lower-case labels of letters, digits and '-', joined by '.', 253 characters at most.</summary>
    public static bool IsDnsSubdomain(string value)
    {
        if (value.Length is 0 or > 253)
        {
            return false;
        }

        foreach (var label in value.Split('.'))
        {
            if (!IsLabel(label, letterFirst: false))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>RFC 1035 label (Service names): starts with a letter, 63 characters at most.</summary>
    public static bool IsDnsLabel(string value) => IsLabel(value, letterFirst: true);

    /// <summary>IANA service name (a Service port's name): 15 characters, at least one letter, no '-' at the ends or twice.</summary>
    public static bool IsPortName(string value)
    {
        if (value.Length is 0 or > 15 || value[0] == '-' || value[^1] == '-' || value.Contains("--", StringComparison.Ordinal))
        {
            return false;
        }

        var hasLetter = false;
        foreach (var c in value)
        {
            if (c is >= 'a' and <= 'z')
            {
                hasLetter = true;
            }
            else if (c is not ((>= '0' and <= '9') or '-'))
            {
                return false;
            }
        }

        return hasLetter;
    }

    private static bool IsLabel(string label, bool letterFirst)
    {
        if (label.Length is 0 or > 63 || label[^1] == '-' || label[0] == '-' || (letterFirst && label[0] is not (>= 'a' and <= 'z')))
        {
            return false;
        }

        foreach (var c in label)
        {
            if (c is not ((>= 'a' and <= 'z') or (>= '0' and <= '9') or '-'))
            {
                return false;
            }
        }

        return true;
    }
}
