using System.Diagnostics.CodeAnalysis;
using System.Text;

namespace Sluice.Filters;

/// <summary>
/// A Secret as filters see it: decoded values by key. <see cref="ToString"/> names keys only, so a value can never
/// reach a log line, a diagnostic or the admin API by accident.
/// </summary>
public sealed class SecretData(string ns, string name, string? type, IReadOnlyDictionary<string, byte[]> values, IReadOnlyDictionary<string, string> labels)
{
    public string Namespace { get; } = ns;

    public string Name { get; } = name;

    /// <summary>The Secret's type, such as <c>kubernetes.io/basic-auth</c> or Gloo's <c>extauth.solo.io/apikey</c>.</summary>
    public string? Type { get; } = type;

    public IReadOnlyDictionary<string, string> Labels { get; } = labels;

    public IEnumerable<string> Keys => values.Keys;

    public bool TryGetBytes(string key, [NotNullWhen(true)] out byte[]? value) => values.TryGetValue(key, out value);

    public bool TryGetString(string key, [NotNullWhen(true)] out string? value)
    {
        value = values.TryGetValue(key, out var bytes) ? Encoding.UTF8.GetString(bytes) : null;
        return value is not null;
    }

    public override string ToString() => $"Secret {Namespace}/{Name} (keys: {string.Join(", ", values.Keys)})";
}
