using System.Diagnostics.CodeAnalysis;
using System.Text;

namespace Sluice.Discovery.Model;

/// <summary>
/// A Kubernetes <c>v1 Secret</c>: certificates, CA bundles, API keys and password hashes, referenced by name from
/// other resources. Files may hold Secrets too, in the same shape, so one config works on a VM and in a cluster.
/// Values never appear in diagnostics, logs or the admin API.
/// </summary>
public sealed record Secret : Resource
{
    public required SecretSpec Spec { get; init; }
}

/// <summary>The top-level fields of a Secret (Kubernetes keeps them beside metadata, not under <c>spec</c>).</summary>
public sealed record SecretSpec
{
    /// <summary>Well-known types: <c>kubernetes.io/tls</c>, <c>Opaque</c>, <c>kubernetes.io/basic-auth</c>, Gloo's <c>extauth.solo.io/apikey</c>.</summary>
    public string? Type { get; init; }

    /// <summary>Values in base64, as Kubernetes stores them.</summary>
    public IReadOnlyDictionary<string, string> Data { get; init; } = ObjectMeta.EmptyLabels;

    /// <summary>Plain-text values; a key here wins over the same key in <see cref="Data"/>, as the API server merges them.</summary>
    public IReadOnlyDictionary<string, string> StringData { get; init; } = ObjectMeta.EmptyLabels;

    public bool Immutable { get; init; }

    public const string TlsType = "kubernetes.io/tls";
    public const string TlsCertificateKey = "tls.crt";
    public const string TlsPrivateKeyKey = "tls.key";
    public const string CaCertificateKey = "ca.crt";

    public IEnumerable<string> Keys => Data.Keys.Union(StringData.Keys, StringComparer.Ordinal);

    /// <summary>The decoded value of <paramref name="key"/>; false when absent or not valid base64.</summary>
    public bool TryGetBytes(string key, [NotNullWhen(true)] out byte[]? value)
    {
        if (StringData.TryGetValue(key, out var plain))
        {
            value = Encoding.UTF8.GetBytes(plain);
            return true;
        }

        value = null;
        if (!Data.TryGetValue(key, out var encoded))
        {
            return false;
        }

        try
        {
            value = Convert.FromBase64String(encoded);
            return true;
        }
        catch (FormatException)
        {
            return false;
        }
    }

    public bool TryGetString(string key, [NotNullWhen(true)] out string? value)
    {
        value = TryGetBytes(key, out var bytes) ? Encoding.UTF8.GetString(bytes) : null;
        return value is not null;
    }
}
