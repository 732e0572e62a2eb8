using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Sluice.Discovery.Kubernetes;

/// <summary>Names Sluice gives to what it discovers in a cluster, identical to Gloo's so existing references keep working.</summary>
public static class KubernetesNames
{
    private const int MaxNameLength = 63;

    /// <summary>
    /// The Upstream discovered for one Service port: Gloo's <c>UpstreamName</c>, which is
    /// <c>SanitizeNameV2("&lt;namespace&gt;-&lt;service&gt;-&lt;port&gt;")</c>.
    /// </summary>
    public static string UpstreamName(string ns, string service, int port) =>
        SanitizeName(string.Create(CultureInfo.InvariantCulture, $"{ns}-{service}-{port}"));

    /// <summary>
    /// Gloo's <c>kubeutils.SanitizeNameV2</c>, step for step: separators become '-', brackets and quotes go, a name
    /// past 63 characters keeps its first 31 and appends the MD5 of the (not yet lower-cased) name, cut at 63; then
    /// lower case.
    /// </summary>
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
        if (Encoding.UTF8.GetByteCount(sanitized) > MaxNameLength)
        {
            // Go slices bytes, not characters; names are ASCII in practice (Kubernetes names are DNS labels).
            var bytes = Encoding.UTF8.GetBytes(sanitized);
            var hash = Convert.ToHexStringLower(MD5.HashData(bytes));
            var head = Encoding.UTF8.GetString(bytes, 0, 31);
            sanitized = (head + "-" + hash)[..MaxNameLength];
        }

        return sanitized.ToLowerInvariant();
    }
}
