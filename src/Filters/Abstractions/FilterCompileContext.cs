using System.Diagnostics.CodeAnalysis;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Sluice.Filters.ExtAuth;

namespace Sluice.Filters;

/// <summary>
/// What a filter may read at compile time beyond its own options: the resources its options reference (resolved in
/// the snapshot being translated, so a rotated Secret applies at the next snapshot), and the long-lived state that
/// outlives a reload. One context per option value; never used on the request path.
/// </summary>
public abstract class FilterCompileContext
{
    /// <summary>A context with no resources and private state, for tests and offline tools.</summary>
    public static FilterCompileContext Empty => new EmptyContext();

    /// <summary>The namespace of the resource the option was written in: the default for references without one.</summary>
    public abstract string OwnerNamespace { get; }

    /// <summary>
    /// Where the option was written (resource and field path). Stable across reloads while the config is, so it
    /// identifies state such as a rate limit's buckets: the same scope and settings keep their buckets.
    /// </summary>
    public abstract string Provenance { get; }

    public abstract FilterStateStore State { get; }

    public virtual TimeProvider Time => TimeProvider.System;

    public virtual ILoggerFactory Loggers => NullLoggerFactory.Instance;

    public abstract bool TryGetAuthConfig(string name, string? ns, [NotNullWhen(true)] out AuthConfigSpec? spec);

    public abstract bool TryGetSecret(string name, string? ns, [NotNullWhen(true)] out SecretData? secret);

    /// <summary>Secrets in <paramref name="ns"/> whose labels include all of <paramref name="labels"/>.</summary>
    public abstract IReadOnlyList<SecretData> SecretsMatching(IReadOnlyDictionary<string, string> labels, string ns);

    /// <summary>
    /// Where to reach an Upstream directly (its first static host, https when it has TLS settings), for the few filters
    /// that call out at compile or refresh time (a JWKS fetched through <c>upstreamRef</c>); null when it has none.
    /// </summary>
    public abstract Uri? UpstreamAddress(string name, string? ns);

    private sealed class EmptyContext : FilterCompileContext
    {
        public override string OwnerNamespace => "default";

        public override string Provenance => "inline";

        public override FilterStateStore State { get; } = new();

        public override bool TryGetAuthConfig(string name, string? ns, [NotNullWhen(true)] out AuthConfigSpec? spec)
        {
            spec = null;
            return false;
        }

        public override bool TryGetSecret(string name, string? ns, [NotNullWhen(true)] out SecretData? secret)
        {
            secret = null;
            return false;
        }

        public override IReadOnlyList<SecretData> SecretsMatching(IReadOnlyDictionary<string, string> labels, string ns) => [];

        public override Uri? UpstreamAddress(string name, string? ns) => null;
    }
}
