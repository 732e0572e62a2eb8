using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Sluice.Discovery.Kubernetes;

/// <summary>Names Sluice gives to what it discovers in a cluster, identical to Gloo's so existing references keep working.</summary>
public static class KubernetesNames
{
    /// <summary>
    /// The Upstream discovered for one Service port: <c>&lt;namespace&gt;-&lt;service&gt;-&lt;port&gt;</c>, as Gloo's
    /// <c>UpstreamName</c> (<c>SanitizeNameV2</c>): characters Kubernetes names refuse become <c>-</c> or vanish, a
    /// name past 63 characters keeps its first 31 followed by <c>-</c> and the MD5 of the whole name (cut to 63), and
    /// the result is lower-cased last (so the hash is of the name before lower-casing, as in Gloo).
    /// </summary>
    public static string UpstreamName(string ns, string service, int port) =>
        SanitizeName($"{ns}-{service}-{port.ToString(CultureInfo.InvariantCulture)}");

    /// <summary>Gloo's <c>SanitizeNameV2</c>.</summary>
    public static string SanitizeName(string name)
    {
        var builder = new StringBuilder(name.Length);
        foreach (var c in name)
        {
            switch (c)
            {
                case '*' or '/' or '.' or ':' or '_' or ' ':
                    builder.Append('-');
                    break;
                case '[' or ']' or '\n' or '"' or '\'':
                    break;
                default:
                    builder.Append(c);
                    break;
            }
        }

        var sanitized = builder.ToString();
        if (Encoding.UTF8.GetByteCount(sanitized) > 63)
        {
            // Go slices bytes; the names here are ASCII in practice (Kubernetes names are DNS labels).
            var bytes = Encoding.UTF8.GetBytes(sanitized);
            var hash = Convert.ToHexStringLower(MD5.HashData(bytes));
            sanitized = (Encoding.UTF8.GetString(bytes, 0, 31) + "-" + hash)[..63];
        }

        return sanitized.ToLowerInvariant();
    }
}
