using System.Diagnostics.CodeAnalysis;
using System.Text;
using Sluice.Filters.ExtAuth;

namespace Sluice.Filters.Tests.Security;

/// <summary>A compile context over in-memory AuthConfigs and Secrets, as the translator resolves them from a snapshot.</summary>
internal sealed class TestCompileContext(string provenance = "VirtualService default/test virtualHost.options", FilterStateStore? state = null) : FilterCompileContext
{
    public Dictionary<string, AuthConfigSpec> AuthConfigs { get; } = [];

    public Dictionary<string, SecretData> Secrets { get; } = [];

    public override string OwnerNamespace => "default";

    public override string Provenance { get; } = provenance;

    public override FilterStateStore State { get; } = state ?? new FilterStateStore();

    public TestCompileContext WithSecret(string name, IReadOnlyDictionary<string, string> values, IReadOnlyDictionary<string, string>? labels = null, string? type = null)
    {
        Secrets[$"default/{name}"] = new SecretData("default", name, type,
            values.ToDictionary(p => p.Key, p => Encoding.UTF8.GetBytes(p.Value)), labels ?? new Dictionary<string, string>());
        return this;
    }

    public override bool TryGetAuthConfig(string name, string? ns, [NotNullWhen(true)] out AuthConfigSpec? spec) =>
        AuthConfigs.TryGetValue($"{ns ?? OwnerNamespace}/{name}", out spec);

    public override bool TryGetSecret(string name, string? ns, [NotNullWhen(true)] out SecretData? secret) =>
        Secrets.TryGetValue($"{ns ?? OwnerNamespace}/{name}", out secret);

    public override IReadOnlyList<SecretData> SecretsMatching(IReadOnlyDictionary<string, string> labels, string ns) =>
        [.. Secrets.Values.Where(s => s.Namespace == ns && labels.All(l => s.Labels.TryGetValue(l.Key, out var v) && v == l.Value))];

    public override Uri? UpstreamAddress(string name, string? ns) => null;
}
