using System.Diagnostics.CodeAnalysis;
using Sluice.Discovery.Graph;
using Sluice.Discovery.Model;
using Sluice.Filters;
using Sluice.Filters.ExtAuth;

namespace Sluice.Gateway.Translation;

/// <summary>
/// Resolves what a filter's options reference in the snapshot being translated: AuthConfigs, Secrets (decoded once
/// here, so a rotated Secret file applies at the next snapshot) and Upstream addresses.
/// </summary>
internal sealed class SnapshotFilterContext(ResourceIndex index, string ownerNamespace, string provenance, FilterStateStore state) : FilterCompileContext
{
    public override string OwnerNamespace { get; } = ownerNamespace;

    public override string Provenance { get; } = provenance;

    public override FilterStateStore State { get; } = state;

    public override bool TryGetAuthConfig(string name, string? ns, [NotNullWhen(true)] out AuthConfigSpec? spec)
    {
        spec = index.Get<AuthConfig>(new ResourceId(ResourceKind.AuthConfig, Namespace(ns), name))?.Spec;
        return spec is not null;
    }

    public override bool TryGetSecret(string name, string? ns, [NotNullWhen(true)] out SecretData? secret)
    {
        var found = index.Get<Secret>(new ResourceId(ResourceKind.Secret, Namespace(ns), name));
        secret = found is null ? null : ToData(found);
        return secret is not null;
    }

    public override IReadOnlyList<SecretData> SecretsMatching(IReadOnlyDictionary<string, string> labels, string ns)
    {
        var matches = new List<SecretData>();
        foreach (var resource in index.All)
        {
            if (resource is Secret secret && secret.Namespace == ns && LabelsMatch(secret.Metadata.Labels, labels))
            {
                matches.Add(ToData(secret));
            }
        }

        matches.Sort((a, b) => string.CompareOrdinal(a.Name, b.Name));
        return matches;
    }

    public override Uri? UpstreamAddress(string name, string? ns)
    {
        var upstream = index.Get<Upstream>(new ResourceId(ResourceKind.Upstream, Namespace(ns), name));
        if (upstream?.Spec.Static is not { Hosts.Count: > 0 } hosts)
        {
            return null;
        }

        var host = hosts.Hosts[0];
        var scheme = hosts.UseTls || upstream.Spec.SslConfig is not null ? "https" : "http";
        return new UriBuilder(scheme, host.Addr, (int)host.Port).Uri;
    }

    private string Namespace(string? ns) => string.IsNullOrEmpty(ns) ? OwnerNamespace : ns;

    private static bool LabelsMatch(IReadOnlyDictionary<string, string> labels, IReadOnlyDictionary<string, string> selector)
    {
        foreach (var (key, value) in selector)
        {
            if (!labels.TryGetValue(key, out var actual) || actual != value)
            {
                return false;
            }
        }

        return true;
    }

    private static SecretData ToData(Secret secret)
    {
        var values = new Dictionary<string, byte[]>(StringComparer.Ordinal);
        foreach (var key in secret.Spec.Keys)
        {
            if (secret.Spec.TryGetBytes(key, out var bytes))
            {
                values[key] = bytes;
            }
        }

        return new SecretData(secret.Namespace, secret.Metadata.Name, secret.Spec.Type, values, secret.Metadata.Labels);
    }
}
